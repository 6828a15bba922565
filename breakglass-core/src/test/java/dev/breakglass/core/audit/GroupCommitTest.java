package dev.breakglass.core.audit;

import static dev.breakglass.core.audit.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code append} returns only after its record is forced, and concurrent appenders share fsyncs. */
class GroupCommitTest {
  static final AuditSigningKey KEY = AuditSigningKey.generate();

  @TempDir Path dir;
  final AtomicInteger forces = new AtomicInteger();
  final AtomicLong forcedSize = new AtomicLong();

  TamperEvidentAuditLog open() {
    return TamperEvidentAuditLog.builder(dir).signingKey(KEY).backgroundCheckpoints(false)
        .channelFactory((file, options) -> new CountingChannel(FileChannel.open(file, options)))
        .build();
  }

  Path segment() {
    return dir.resolve(LogFormat.segmentName(0));
  }

  @Test
  void appendReturnsOnlyAfterEverythingWrittenIsForced() throws IOException {
    try (TamperEvidentAuditLog log = open()) {
      for (int i = 0; i < 20; i++) {
        int before = forces.get();
        log.append(event(i));
        assertThat(forces.get()).as("append %d forced the file", i).isGreaterThan(before);
        assertThat(Files.size(segment())).as("nothing written after the last force").isEqualTo(forcedSize.get());
      }
    }
  }

  @Test
  void concurrentAppendersShareFsyncs() throws Exception {
    int threads = 16;
    int perThread = 50;
    try (TamperEvidentAuditLog log = open()) {
      forces.set(0);
      CyclicBarrier start = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          fs.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < perThread; i++) {
              log.append(event(id * 1000 + i));
            }
            return null;
          }));
        }
        for (Future<?> f : fs) {
          f.get(1, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(log.size()).isEqualTo(threads * perThread);
      assertThat(forces.get()).as("fsyncs for %d appends", threads * perThread).isLessThan(threads * perThread / 2);
    }
  }

  /** Counts writes and forces and remembers the file size at the last force. */
  final class CountingChannel extends FailingChannel {
    CountingChannel(FileChannel delegate) {
      super(delegate, new AtomicBoolean(), new AtomicBoolean());
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return super.write(src);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      super.force(metaData);
      forcedSize.set(size());
      forces.incrementAndGet();
    }
  }
}

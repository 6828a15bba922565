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
import java.util.concurrent.CountDownLatch;
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

  @Test
  void appendersArrivingDuringAForceShareTheNextOne() throws Exception {
    CountDownLatch forceEntered = new CountDownLatch(1);
    CountDownLatch releaseForce = new CountDownLatch(1);
    AtomicBoolean gate = new AtomicBoolean();
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(dir).signingKey(KEY).backgroundCheckpoints(false)
        .channelFactory((file, options) -> new CountingChannel(FileChannel.open(file, options)) {
          @Override
          public void force(boolean metaData) throws IOException {
            if (gate.getAndSet(false)) {
              forceEntered.countDown();
              try {
                releaseForce.await();
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
            }
            super.force(metaData);
          }
        })
        .build()) {
      gate.set(true);
      int joiners = 10;
      ExecutorService pool = Executors.newFixedThreadPool(joiners + 1);
      try {
        Future<Long> first = pool.submit(() -> log.appendAndGetIndex(event(0)));
        forceEntered.await();
        forces.set(0);
        List<Future<Long>> rest = new ArrayList<>();
        for (int i = 1; i <= joiners; i++) {
          int n = i;
          rest.add(pool.submit(() -> log.appendAndGetIndex(event(n))));
        }
        while (log.size() < joiners + 1) {
          Thread.onSpinWait();
        }
        releaseForce.countDown();
        assertThat(first.get(1, TimeUnit.MINUTES)).isZero();
        for (Future<Long> f : rest) {
          assertThat(f.get(1, TimeUnit.MINUTES)).isBetween(1L, (long) joiners);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(forces.get()).as("the blocked force, then one force for all who arrived meanwhile").isEqualTo(2);
    }
  }

  @Test
  void anInterruptedAppenderKeepsItsInterruptAndTheLogStaysWritable() throws Exception {
    try (TamperEvidentAuditLog log = open()) {
      Thread.currentThread().interrupt();
      try {
        assertThat(log.appendAndGetIndex(event(0))).isZero();
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }
      assertThat(log.appendAndGetIndex(event(1))).isEqualTo(1);
    }
    assertThat(AuditLogReader.readEvents(dir)).containsExactly(event(0), event(1));
  }

  /** Counts writes and forces and remembers the file size at the last force. */
  class CountingChannel extends FailingChannel {
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

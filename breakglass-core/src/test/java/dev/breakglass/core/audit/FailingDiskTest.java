package dev.breakglass.core.audit;

import static dev.breakglass.core.audit.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditUnavailableException;
import java.nio.channels.FileChannel;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write and fsync errors injected below the log reach every appender whose record was not yet
 * durable, nothing is reported durable after them, and the log fails closed until reopened.
 */
class FailingDiskTest {
  static final AuditSigningKey KEY = AuditSigningKey.generate();

  @TempDir Path dir;
  final AtomicBoolean failWrites = new AtomicBoolean();
  final AtomicBoolean failForce = new AtomicBoolean();
  final AtomicInteger channelsOpened = new AtomicInteger();

  TamperEvidentAuditLog open(long maxSegmentBytes) {
    return TamperEvidentAuditLog.builder(dir).signingKey(KEY).backgroundCheckpoints(false)
        .maxSegmentBytes(maxSegmentBytes)
        .channelFactory((file, options) -> {
          channelsOpened.incrementAndGet();
          return new FailingChannel(FileChannel.open(file, options), failWrites, failForce);
        })
        .build();
  }

  @Test
  void fsyncErrorReachesTheAppenderAndTheLogRefusesEverythingAfter() {
    TamperEvidentAuditLog log = open(1 << 20);
    assertThat(log.appendAndGetIndex(event(0))).isZero();
    Checkpoint before = log.checkpoint();

    failForce.set(true);
    assertThatThrownBy(() -> log.append(event(1))).isInstanceOf(AuditUnavailableException.class)
        .hasMessageContaining("injected fsync error");
    failForce.set(false);
    assertThatThrownBy(() -> log.append(event(2))).as("no retry after a failed fsync: the page cache may lie")
        .isInstanceOf(AuditUnavailableException.class).hasMessageContaining("failed earlier");
    assertThatThrownBy(log::checkpoint).isInstanceOf(AuditUnavailableException.class);
    assertThat(log.latestCheckpoint()).as("nothing after the failure was reported durable").isEqualTo(before);
    log.close();

    try (TamperEvidentAuditLog reopened = open(1 << 20)) {
      List<AuditEvent> events = AuditLogReader.readEvents(dir);
      assertThat(events.get(0)).isEqualTo(event(0));
      assertThat(events).extracting(e -> e.details().get("n")).doesNotContain("2");
      reopened.append(event(3));
    }
    assertThat(AuditLogVerifier.of(KEY.publicKey()).verify(dir).valid()).isTrue();
  }

  @Test
  void writeErrorReachesTheAppenderAndNothingOfItIsOnDisk() {
    TamperEvidentAuditLog log = open(1 << 20);
    log.append(event(0));
    failWrites.set(true);
    assertThatThrownBy(() -> log.append(event(1))).isInstanceOf(AuditUnavailableException.class)
        .hasMessageContaining("injected write error");
    failWrites.set(false);
    assertThatThrownBy(() -> log.append(event(2))).isInstanceOf(AuditUnavailableException.class);
    log.close();
    assertThat(AuditLogReader.readEvents(dir)).containsExactly(event(0));
  }

  @Test
  void everyConcurrentAppenderOfAFailedBatchGetsTheErrorAndNoneSucceeds() throws Exception {
    TamperEvidentAuditLog log = open(1 << 20);
    log.append(event(0));
    failForce.set(true);
    int threads = 16;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger succeeded = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        fs.add(pool.submit(() -> {
          start.await();
          try {
            log.append(event(100 + id));
            succeeded.incrementAndGet();
          } catch (AuditUnavailableException e) {
            refused.incrementAndGet();
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
    assertThat(succeeded).hasValue(0);
    assertThat(refused).hasValue(threads);
    log.close();
  }

  @Test
  void failureWhileRotatingToANewSegmentFailsClosed() {
    TamperEvidentAuditLog log = open(4096);
    int opened = channelsOpened.get();
    int i = 0;
    while (channelsOpened.get() == opened) {
      log.append(event(i++));
    }
    failForce.set(true);
    assertThatThrownBy(() -> {
      for (int j = 0; j < 1000; j++) {
        log.append(event(10_000 + j));
      }
    }).isInstanceOf(AuditUnavailableException.class);
    failForce.set(false);
    log.close();
    try (TamperEvidentAuditLog reopened = open(4096)) {
      reopened.append(event(99_999));
    }
    assertThat(AuditLogVerifier.of(KEY.publicKey()).verify(dir).valid()).isTrue();
  }

  @Test
  void diskFailingWhileOpeningIsAuditUnavailable() {
    failForce.set(true);
    assertThatThrownBy(() -> open(1 << 20)).isInstanceOf(AuditUnavailableException.class)
        .hasMessageContaining("cannot open audit log");
  }
}

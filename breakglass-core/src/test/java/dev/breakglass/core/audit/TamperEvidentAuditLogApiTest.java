package dev.breakglass.core.audit;

import static dev.breakglass.core.audit.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.spi.WitnessedCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log's public surface: reading back, repairs reported, witnesses fed and closed, nothing left open. */
class TamperEvidentAuditLogApiTest {
  static final AuditSigningKey KEY = AuditSigningKey.generate();

  @TempDir Path dir;

  TamperEvidentAuditLog.Builder builder() {
    return TamperEvidentAuditLog.builder(dir).signingKey(KEY).backgroundCheckpoints(false);
  }

  static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }


  @Test
  void appendedEventsAreDurableAndReadBackFromAnyPosition() {
    try (TamperEvidentAuditLog log = builder().build()) {
      assertThat(log.durableSize()).isZero();
      for (int i = 0; i < 4; i++) {
        log.append(event(i));
      }
      assertThat(log.durableSize()).isEqualTo(4).isEqualTo(log.size());
      List<AuditEvent> read = new ArrayList<>();
      log.read(1, read::add);
      assertThat(read).containsExactly(event(1), event(2), event(3));
      assertThatThrownBy(() -> log.read(-1, e -> { })).hasMessage("from must not be negative, was -1");
      assertThat(log).hasToString("TamperEvidentAuditLog[" + dir + ", log " + log.logId() + ", key " + KEY.keyId() + "]");
    }
  }

  @Test
  void aTornTailIsReportedByTheLogThatRepairedIt() throws IOException {
    try (TamperEvidentAuditLog log = builder().build()) {
      assertThat(log.repairedOnOpen()).isEmpty();
      log.append(event(0));
      log.append(event(1));
    }
    Path segment = dir.resolve(LogFormat.segmentName(0));
    long size = Files.size(segment);
    assertThat(size).isGreaterThan(LogFormat.SEGMENT_HEADER);
    byte[] half = java.util.Arrays.copyOf(LogFormat.frame(LogFormat.RECORD, AuditEventCodec.encode(2, event(2))), 20);
    Files.write(segment, half, StandardOpenOption.APPEND);
    try (TamperEvidentAuditLog log = builder().build()) {
      Map<String, String> repair = log.repairedOnOpen().orElseThrow();
      assertThat(repair).containsEntry("segment", LogFormat.segmentName(0)).containsEntry("offset", Long.toString(size))
          .containsEntry("discardedBytes", "20").containsEntry("firstLostIndex", "2").containsKey("problem");
      List<AuditEvent> read = new ArrayList<>();
      log.read(0, read::add);
      assertThat(read).hasSize(3).startsWith(event(0), event(1));
      assertThat(read.get(2).type()).isEqualTo(dev.breakglass.AuditEventType.AUDIT_LOG_REPAIRED);
      assertThat(read.get(2).details()).containsAllEntriesOf(repair);
    }
  }

  @Test
  void aWitnessAddedLaterGetsTheLatestCheckpointAndEveryNewOne() throws Exception {
    LogTrustOnOpenTest.RecordingWitness late = new LogTrustOnOpenTest.RecordingWitness();
    try (TamperEvidentAuditLog log = builder().build()) {
      log.append(event(0));
      Checkpoint now = log.checkpoint();
      log.addWitness(late);
      awaitTrue(() -> late.received.stream().anyMatch(w -> w.treeSize() == now.treeSize()));
      log.append(event(1));
      log.checkpoint();
      awaitTrue(() -> late.received.stream().anyMatch(w -> w.treeSize() == 2));
      assertThat(late.received).extracting(WitnessedCheckpoint::logId).containsOnly(log.logId());
    }
  }

  @Test
  void closingClosesTheWitnessesGivenAtOpenAndReleasesEveryFile() throws IOException {
    AtomicInteger closed = new AtomicInteger();
    LogTrustOnOpenTest.RecordingWitness own = new LogTrustOnOpenTest.RecordingWitness() {
      @Override
      public void close() {
        closed.incrementAndGet();
      }
    };
    TamperEvidentAuditLog log = builder().witness(own).build();
    log.append(event(0));
    assertThat(dev.breakglass.core.OpenFiles.under(dir)).isPositive();
    log.close();
    log.close();
    assertThat(closed).hasValue(1);
    assertThat(dev.breakglass.core.OpenFiles.under(dir)).isZero();
    try (TamperEvidentAuditLog again = builder().build()) {
      assertThat(again.size()).isEqualTo(1);
    }
  }

  @Test
  void backgroundCheckpointsAreWrittenOnADaemonThread() throws Exception {
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(dir).signingKey(KEY)
        .checkpointInterval(Duration.ofMillis(20)).build()) {
      log.append(event(0));
      awaitTrue(() -> log.latestCheckpoint().treeSize() == 1);
      Thread t = Thread.getAllStackTraces().keySet().stream()
          .filter(th -> th.getName().equals("breakglass-audit-checkpoints")).findFirst().orElseThrow();
      assertThat(t.isDaemon()).isTrue();
    }
  }
}

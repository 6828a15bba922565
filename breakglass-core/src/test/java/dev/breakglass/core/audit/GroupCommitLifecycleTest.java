package dev.breakglass.core.audit;

import static dev.breakglass.core.audit.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditUnavailableException;
import dev.breakglass.tck.fixtures.MutableClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's life: checkpoints on count, on time and at segment ends, what a closed or failed log
 * refuses, and no file left open behind it.
 */
class GroupCommitLifecycleTest {
  static final AuditSigningKey KEY = AuditSigningKey.generate();

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(TestEvents.T0);

  TamperEvidentAuditLog.Builder builder() {
    return TamperEvidentAuditLog.builder(dir).signingKey(KEY).clock(clock).backgroundCheckpoints(false);
  }

  List<AuditLogReader.Entry> entries() {
    List<AuditLogReader.Entry> out = new ArrayList<>();
    try (AuditLogReader r = AuditLogReader.open(dir)) {
      for (AuditLogReader.Entry e = r.next(); e != null; e = r.next()) {
        out.add(e);
      }
    }
    return out;
  }

  List<Long> checkpointSizes() {
    return entries().stream().filter(AuditLogReader.CheckpointEntry.class::isInstance)
        .map(e -> ((AuditLogReader.CheckpointEntry) e).checkpoint().treeSize()).toList();
  }


  @Test
  void aCheckpointFollowsExactlyEveryNRecords() {
    try (TamperEvidentAuditLog log = builder().checkpointEveryRecords(3).build()) {
      for (int i = 0; i < 7; i++) {
        log.append(event(i));
      }
      assertThat(log.latestCheckpoint().treeSize()).isEqualTo(6);
    }
    assertThat(checkpointSizes()).containsExactly(0L, 3L, 6L, 7L);
  }

  @Test
  void aDueCheckpointIsWrittenOnlyForNewRecordsAndOnlyOnceTheIntervalHasPassed() {
    try (TamperEvidentAuditLog log = builder().checkpointInterval(Duration.ofSeconds(10)).build()) {
      log.append(event(0));
      clock.advance(Duration.ofSeconds(9));
      log.checkpointIfDue();
      assertThat(log.latestCheckpoint().treeSize()).isZero();
      clock.advance(Duration.ofSeconds(1));
      log.checkpointIfDue();
      Checkpoint due = log.latestCheckpoint();
      assertThat(due.treeSize()).isEqualTo(1);
      assertThat(due.time()).isEqualTo(TestEvents.T0.plusSeconds(10));
      clock.advance(Duration.ofSeconds(60));
      log.checkpointIfDue();
      assertThat(log.latestCheckpoint()).as("no record since: no new checkpoint").isSameAs(due);
      assertThat(log.checkpoint()).as("an explicit checkpoint with nothing new is the last one").isSameAs(due);
    }
    assertThat(checkpointSizes()).containsExactly(0L, 1L);
  }

  @Test
  void theWriterCheckpointsOnItsOwnOnceTheIntervalHasPassed() {
    try (TamperEvidentAuditLog log = builder().checkpointInterval(Duration.ofSeconds(10)).build()) {
      log.append(event(0));
      clock.advance(Duration.ofSeconds(10));
      log.append(event(1));
      assertThat(log.latestCheckpoint().treeSize()).as("written with the batch of record 1").isEqualTo(2);
    }
  }

  @Test
  void everySegmentButTheLastEndsWithACheckpointOfAllItsRecords() {
    try (TamperEvidentAuditLog log = builder().maxSegmentBytes(4096).build()) {
      for (int i = 0; i < 60; i++) {
        log.append(event(i));
      }
    }
    List<AuditLogReader.Entry> all = entries();
    List<String> segments = all.stream().map(AuditLogReader.Entry::segment).distinct().toList();
    assertThat(segments).hasSizeGreaterThan(2);
    long records = 0;
    for (int i = 0; i < all.size(); i++) {
      AuditLogReader.Entry e = all.get(i);
      if (e instanceof AuditLogReader.RecordEntry) {
        records++;
      }
      boolean lastOfSegment = i + 1 == all.size() || !all.get(i + 1).segment().equals(e.segment());
      if (lastOfSegment) {
        assertThat(e).as("last entry of %s", e.segment()).isInstanceOf(AuditLogReader.CheckpointEntry.class);
        assertThat(((AuditLogReader.CheckpointEntry) e).checkpoint().treeSize()).isEqualTo(records);
      }
    }
    // Each later segment is named after the first record it holds.
    for (String s : segments.subList(1, segments.size())) {
      long first = LogFormat.segmentIndex(s);
      assertThat(all.stream().filter(e -> e.segment().equals(s)).filter(AuditLogReader.RecordEntry.class::isInstance)
          .map(e -> ((AuditLogReader.RecordEntry) e).index()).findFirst()).contains(first);
    }
  }

  @Test
  void aClosedLogRefusesRecordsAndCheckpoints() {
    TamperEvidentAuditLog log = builder().build();
    log.append(event(0));
    log.close();
    assertThatThrownBy(() -> log.append(event(1))).isInstanceOf(AuditUnavailableException.class)
        .hasMessage("audit log " + dir + " is closed");
    assertThatThrownBy(log::checkpoint).isInstanceOf(AuditUnavailableException.class)
        .hasMessage("audit log " + dir + " is closed");
    assertThatThrownBy(log::checkpointIfDue).isInstanceOf(AuditUnavailableException.class)
        .hasMessage("audit log " + dir + " is closed");
  }

  @Test
  void closingTheLogAndRotatingSegmentsLeaveNoFileOpen() throws IOException {
    TamperEvidentAuditLog log = builder().maxSegmentBytes(4096).build();
    for (int i = 0; i < 60; i++) {
      log.append(event(i));
    }
    assertThat(LogScanner.segmentsOf(dir)).hasSizeGreaterThan(2);
    assertThat(dev.breakglass.core.OpenFiles.under(dir)).as("the last segment and the lock file").isEqualTo(2);
    log.close();
    assertThat(dev.breakglass.core.OpenFiles.under(dir)).isZero();
  }

  @Test
  void theWriterIsADaemonNamedAfterItsLog() {
    try (TamperEvidentAuditLog log = builder().build()) {
      log.append(event(0));
      Thread writer = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("breakglass-audit-writer " + dir.getFileName())).findFirst().orElseThrow();
      assertThat(writer.isDaemon()).isTrue();
    }
  }

  @Test
  void anErrorWhileWritingFailsTheBatchWithItsCauseAndEveryLaterRecord() {
    AtomicBoolean die = new AtomicBoolean();
    TamperEvidentAuditLog log = builder().channelFactory((file, options) ->
        new FailingChannel(FileChannel.open(file, options), new AtomicBoolean(), new AtomicBoolean()) {
          @Override
          public int write(ByteBuffer src) throws IOException {
            if (die.get()) {
              throw new AssertionError("controller reset");
            }
            return super.write(src);
          }
        }).build();
    log.append(event(0));
    die.set(true);
    assertThatThrownBy(() -> log.append(event(1))).isInstanceOf(AuditUnavailableException.class)
        .hasMessage("audit record not durable: cannot write audit log " + dir
            + ": java.lang.AssertionError: controller reset");
    assertThatThrownBy(() -> log.append(event(2))).isInstanceOf(AuditUnavailableException.class)
        .hasMessageContaining("failed earlier and accepts no more records").hasMessageContaining("controller reset");
    log.close();
    assertThat(AuditLogReader.readEvents(dir)).containsExactly(event(0));
  }

  @Test
  void aSegmentThatCannotBeClosedIsReportedByClose() {
    AtomicInteger closes = new AtomicInteger();
    TamperEvidentAuditLog log = builder().channelFactory((file, options) ->
        new FailingChannel(FileChannel.open(file, options), new AtomicBoolean(), new AtomicBoolean()) {
          @Override
          protected void implCloseChannel() throws IOException {
            super.implCloseChannel();
            if (closes.incrementAndGet() > 1) {
              throw new IOException("close failed (EIO)");
            }
          }
        }).build();
    log.append(event(0));
    assertThatThrownBy(log::close).isInstanceOf(AuditUnavailableException.class)
        .hasMessage("cannot close audit log " + dir + ": close failed (EIO)");
  }

  @Test
  void anInterruptDuringAnUninterruptibleWaitIsKeptForTheCaller() {
    AtomicInteger calls = new AtomicInteger();
    GroupCommit.uninterruptibly(() -> {
      if (calls.incrementAndGet() < 3) {
        throw new InterruptedException();
      }
    });
    assertThat(calls).hasValue(3);
    assertThat(Thread.interrupted()).as("the interrupt is restored").isTrue();
    GroupCommit.uninterruptibly(calls::incrementAndGet);
    assertThat(Thread.interrupted()).isFalse();
  }
}

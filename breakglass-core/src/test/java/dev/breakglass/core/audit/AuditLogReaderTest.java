package dev.breakglass.core.audit;

import static dev.breakglass.core.audit.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a log back: ranges of events, entries with their places, and the tail of a verified log. */
class AuditLogReaderTest {
  static final AuditSigningKey KEY = AuditSigningKey.generate();
  static final int N = 80;

  @TempDir Path dir;
  List<AuditEvent> written;

  @BeforeEach
  void writeLogOverSeveralSegments() {
    written = IntStream.range(0, N).mapToObj(TestEvents::event).toList();
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(dir).signingKey(KEY)
        .backgroundCheckpoints(false).checkpointEveryRecords(5).maxSegmentBytes(4096).build()) {
      written.forEach(log::append);
    }
    assertThat(LogScanner.segmentsOf(dir)).hasSizeGreaterThan(3);
  }

  List<AuditEvent> range(long from, long end) {
    List<AuditEvent> out = new ArrayList<>();
    AuditLogReader.forEachEvent(dir, from, end, out::add);
    return out;
  }

  List<AuditEvent> verifiedRange(long from, long end) {
    List<AuditEvent> out = new ArrayList<>();
    AuditLogReader.forEachEventOfVerifiedLog(dir, from, end, out::add);
    return out;
  }

  AuditLogReader.RecordEntry firstRecord() {
    try (AuditLogReader r = AuditLogReader.open(dir)) {
      for (AuditLogReader.Entry e = r.next(); ; e = r.next()) {
        if (e instanceof AuditLogReader.RecordEntry rec) {
          return rec;
        }
      }
    }
  }

  @Test
  void everyEventIsReadBackInOrder() {
    assertThat(AuditLogReader.readEvents(dir)).containsExactlyElementsOf(written);
  }

  @Test
  void aRangeHoldsItsFirstPositionButNotItsEnd() {
    assertThat(range(0, N)).containsExactlyElementsOf(written);
    assertThat(range(0, 1)).containsExactly(written.get(0));
    assertThat(range(7, 12)).containsExactlyElementsOf(written.subList(7, 12));
    assertThat(range(N - 1, N)).containsExactly(written.get(N - 1));
    assertThat(range(N - 1, N + 100)).containsExactly(written.get(N - 1));
    assertThat(range(5, 5)).isEmpty();
    assertThat(range(N, N + 1)).isEmpty();
  }

  @Test
  void theTailOfAVerifiedLogStartsAtTheSegmentHoldingItsFirstPosition() {
    for (int from : new int[] {0, 1, 13, 22, 31, 47, 63, N - 1}) {
      assertThat(verifiedRange(from, N)).as("from %d", from).containsExactlyElementsOf(written.subList(from, N));
      assertThat(verifiedRange(from, from + 2)).as("from %d", from)
          .containsExactlyElementsOf(written.subList(from, Math.min(N, from + 2)));
    }
    assertThat(verifiedRange(N, N + 5)).isEmpty();
  }

  @Test
  void entriesNameTheirIndexSegmentAndOffsetAndCheckpointsFollowTheRecordsTheyCover() {
    List<AuditLogReader.Entry> entries = new ArrayList<>();
    try (AuditLogReader r = AuditLogReader.open(dir)) {
      for (AuditLogReader.Entry e = r.next(); e != null; e = r.next()) {
        entries.add(e);
      }
      assertThat(r.next()).isNull();
    }
    List<AuditLogReader.RecordEntry> records = entries.stream()
        .filter(AuditLogReader.RecordEntry.class::isInstance).map(AuditLogReader.RecordEntry.class::cast).toList();
    assertThat(records).extracting(AuditLogReader.RecordEntry::index)
        .containsExactlyElementsOf(IntStream.range(0, N).mapToObj(i -> (long) i).toList());
    assertThat(records).extracting(AuditLogReader.RecordEntry::event).containsExactlyElementsOf(written);
    assertThat(entries.get(0)).isInstanceOf(AuditLogReader.CheckpointEntry.class);
    assertThat(entries.get(0).segment()).isEqualTo(LogFormat.segmentName(0));
    assertThat(entries.get(0).offset()).isEqualTo(LogFormat.SEGMENT_HEADER);
    assertThat(records.get(0).segment()).isEqualTo(LogFormat.segmentName(0));
    assertThat(records.get(0).offset()).isGreaterThan(LogFormat.SEGMENT_HEADER);
    assertThat(records.stream().map(AuditLogReader.Entry::segment).distinct()).hasSizeGreaterThan(3);
    for (int i = 1; i < entries.size(); i++) {
      AuditLogReader.Entry prev = entries.get(i - 1);
      AuditLogReader.Entry e = entries.get(i);
      if (e.segment().equals(prev.segment())) {
        assertThat(e.offset()).as("entry %d", i).isGreaterThan(prev.offset());
      }
    }
    long records0 = 0;
    for (AuditLogReader.Entry e : entries) {
      if (e instanceof AuditLogReader.CheckpointEntry c) {
        assertThat(c.checkpoint().treeSize()).isEqualTo(records0);
      } else {
        records0++;
      }
    }
    assertThat(entries).filteredOn(AuditLogReader.CheckpointEntry.class::isInstance).hasSizeGreaterThanOrEqualTo(N / 5);
  }

  @Test
  void aRecordEntryIsAValueOverItsCanonicalBytesAndPlace() {
    AuditLogReader.RecordEntry a;
    AuditLogReader.RecordEntry again;
    a = firstRecord();
    again = firstRecord();
    assertThat(again).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(a).isNotEqualTo(new AuditLogReader.RecordEntry(a.index() + 1, a.event(), a.canonical(), a.segment(), a.offset()))
        .isNotEqualTo(new AuditLogReader.RecordEntry(a.index(), a.event(), a.canonical(), "other", a.offset()))
        .isNotEqualTo(new AuditLogReader.RecordEntry(a.index(), a.event(), a.canonical(), a.segment(), a.offset() + 1))
        .isNotEqualTo("a string");
    byte[] changed = a.canonical();
    changed[changed.length - 1] ^= 1;
    AuditLogReader.RecordEntry other = new AuditLogReader.RecordEntry(a.index(), a.event(), changed, a.segment(), a.offset());
    assertThat(a).isNotEqualTo(other);
    assertThat(a.hashCode()).isNotEqualTo(other.hashCode());
    assertThat(a.hashCode()).isNotEqualTo(
        new AuditLogReader.RecordEntry(a.index() + 1, a.event(), a.canonical(), a.segment(), a.offset()).hashCode());

    // The canonical bytes are copied in and out: nobody can change an entry after the fact.
    byte[] out = a.canonical();
    out[0] = 'X';
    assertThat(a.canonical()[0]).isEqualTo((byte) '{');
    assertThat(a).isEqualTo(again);
  }

  @Test
  void anEventReadFromTheTailIsTheOneWritten() {
    assertThat(verifiedRange(N - 3, N)).containsExactly(event(N - 3), event(N - 2), event(N - 1));
  }


  @Test
  void aReaderHoldsOneSegmentOpenAtATimeAndNoneOnceClosed() throws Exception {
    try (AuditLogReader r = AuditLogReader.open(dir)) {
      for (AuditLogReader.Entry e = r.next(); e != null; e = r.next()) {
        assertThat(dev.breakglass.core.OpenFiles.under(dir)).as("reading %s", e.segment()).isEqualTo(1);
      }
      assertThat(dev.breakglass.core.OpenFiles.under(dir)).as("after the last entry").isZero();
    }
    try (AuditLogReader r = AuditLogReader.open(dir)) {
      r.next();
      r.next();
      assertThat(dev.breakglass.core.OpenFiles.under(dir)).isEqualTo(1);
    }
    assertThat(dev.breakglass.core.OpenFiles.under(dir)).as("closed halfway").isZero();
  }
}

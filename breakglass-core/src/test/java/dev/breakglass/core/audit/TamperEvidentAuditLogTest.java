package dev.breakglass.core.audit;

import static dev.breakglass.core.audit.TestEvents.T0;
import static dev.breakglass.core.audit.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.tck.fixtures.MutableClock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TamperEvidentAuditLogTest {
  static final AuditSigningKey KEY = AuditSigningKey.generate();

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);

  TamperEvidentAuditLog.Builder builder() {
    return TamperEvidentAuditLog.builder(dir).signingKey(KEY).clock(clock).backgroundCheckpoints(false);
  }

  AuditLogVerifier.VerificationResult verify() {
    return AuditLogVerifier.of(KEY.publicKey()).verify(dir);
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

  Path onlySegment() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> segs = s.filter(p -> p.getFileName().toString().endsWith(".bgaudit")).toList();
      assertThat(segs).hasSize(1);
      return segs.get(0);
    }
  }

  @Test
  void sequenceNumbersAreTheLeafIndexesWithoutGapsAcrossReopen() {
    try (TamperEvidentAuditLog log = builder().build()) {
      assertThat(log.appendAndGetIndex(event(0))).isEqualTo(0);
      assertThat(log.appendAndGetIndex(event(1))).isEqualTo(1);
    }
    try (TamperEvidentAuditLog log = builder().build()) {
      assertThat(log.appendAndGetIndex(event(2))).isEqualTo(2);
      assertThat(log.size()).isEqualTo(3);
    }
    assertThat(entries()).filteredOn(e -> e instanceof AuditLogReader.RecordEntry)
        .extracting(e -> ((AuditLogReader.RecordEntry) e).index()).containsExactly(0L, 1L, 2L);
    assertThat(verify().valid()).isTrue();
  }

  @Test
  void readFromAPositionHandsOverExactlyTheRecordsFromThereAcrossCheckpoints() {
    try (TamperEvidentAuditLog log = builder().checkpointEveryRecords(3).build()) {
      for (int i = 0; i < 10; i++) {
        log.append(event(i));
      }
      List<AuditEvent> read = new ArrayList<>();
      log.read(4, read::add);
      assertThat(read).containsExactly(event(4), event(5), event(6), event(7), event(8), event(9));
      List<AuditEvent> none = new ArrayList<>();
      log.read(10, none::add);
      assertThat(none).isEmpty();
    }
  }

  @Test
  void readFromAnyPositionOfAManySegmentLogHandsOverExactlyTheRecordsFromThere() throws IOException {
    try (TamperEvidentAuditLog log = builder().maxSegmentBytes(4096).checkpointEveryRecords(7).build()) {
      for (int i = 0; i < 120; i++) {
        log.append(event(i));
      }
      try (Stream<Path> s = Files.list(dir)) {
        assertThat(s.filter(p -> p.toString().endsWith(".bgaudit")).count()).isGreaterThan(3);
      }
      for (int from = 0; from <= 120; from++) {
        List<AuditEvent> read = new ArrayList<>();
        log.read(from, read::add);
        assertThat(read).as("read from " + from).hasSize(120 - from);
        for (int i = 0; i < read.size(); i++) {
          assertThat(read.get(i)).isEqualTo(event(from + i));
        }
      }
    }
  }

  @Test
  void readFromALatePositionStillFindsDamageInTheSegmentItReads() throws IOException {
    try (TamperEvidentAuditLog log = builder().maxSegmentBytes(4096).build()) {
      for (int i = 0; i < 120; i++) {
        log.append(event(i));
      }
      Path last;
      try (Stream<Path> s = Files.list(dir)) {
        last = s.filter(p -> p.toString().endsWith(".bgaudit")).sorted().reduce((a, b) -> b).orElseThrow();
      }
      long lastFirst = LogFormat.segmentIndex(last.getFileName().toString());
      assertThat(lastFirst).isPositive();
      try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
        long at = LogFormat.SEGMENT_HEADER + 20;
        f.seek(at);
        int b = f.read();
        f.seek(at);
        f.write(b ^ 0x01);
      }
      assertThatThrownBy(() -> log.read(119, e -> { })).isInstanceOf(AuditLogCorruptException.class)
          .hasMessageContaining(last.getFileName().toString());
    }
  }

  @Test
  void readFromAPositionStillFindsDamageBeforeIt() throws IOException {
    try (TamperEvidentAuditLog log = builder().build()) {
      for (int i = 0; i < 5; i++) {
        log.append(event(i));
      }
    }
    Path segment = onlySegment();
    long first;
    try (AuditLogReader r = AuditLogReader.open(dir)) {
      AuditLogReader.Entry e = r.next();
      while (!(e instanceof AuditLogReader.RecordEntry)) {
        e = r.next();
      }
      first = e.offset();
    }
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.seek(first + 12);
      int b = f.read();
      f.seek(first + 12);
      f.write(b ^ 0x01);
    }
    assertThatThrownBy(() -> AuditLogReader.forEachEvent(dir, 4, 5, e -> { }))
        .as("a record skipped undecoded is still checksummed").isInstanceOf(AuditLogCorruptException.class);
  }

  @Test
  void checkpointIsWrittenEveryNRecordsAndOnClose() {
    try (TamperEvidentAuditLog log = builder().checkpointEveryRecords(3).build()) {
      for (int i = 0; i < 7; i++) {
        log.append(event(i));
      }
      assertThat(log.latestCheckpoint().treeSize()).isEqualTo(6);
    }
    List<Long> sizes = entries().stream().filter(e -> e instanceof AuditLogReader.CheckpointEntry)
        .map(e -> ((AuditLogReader.CheckpointEntry) e).checkpoint().treeSize()).toList();
    assertThat(sizes).as("the first checkpoint, of zero records, names the new log").containsExactly(0L, 3L, 6L, 7L);
    AuditLogVerifier.VerificationResult r = verify();
    assertThat(r.valid()).isTrue();
    assertThat(r.checkpoints()).isEqualTo(4);
    assertThat(r.unsignedRecords()).isZero();
  }

  @Test
  void checkpointIsWrittenWhenTheIntervalHasPassedOnTheInjectedClock() {
    try (TamperEvidentAuditLog log = builder().checkpointInterval(Duration.ofSeconds(10)).build()) {
      log.append(event(0));
      log.checkpointIfDue();
      assertThat(log.latestCheckpoint().treeSize()).as("only the new log's first checkpoint").isZero();
      clock.advance(Duration.ofSeconds(10));
      log.checkpointIfDue();
      Checkpoint cp = log.latestCheckpoint();
      assertThat(cp.treeSize()).isEqualTo(1);
      assertThat(cp.time()).isEqualTo(T0.plusSeconds(10));
      assertThat(cp.verifySignature(KEY.publicKey())).isTrue();
    }
  }

  @Test
  void checkpointRootIsTheMerkleRootOfTheCanonicalRecords() {
    List<byte[]> records = new ArrayList<>();
    Checkpoint cp;
    try (TamperEvidentAuditLog log = builder().build()) {
      for (int i = 0; i < 5; i++) {
        log.append(event(i));
        records.add(AuditEventCodec.encode(i, event(i)));
      }
      cp = log.checkpoint();
    }
    assertThat(cp.treeSize()).isEqualTo(5);
    assertThat(cp.rootHash()).isEqualTo(MerkleProofs.rootOf(records));
  }

  @Test
  void segmentsRotateBySizeAndTheTreeContinuesAcrossThem() throws IOException {
    try (TamperEvidentAuditLog log = builder().maxSegmentBytes(4096).checkpointEveryRecords(1000).build()) {
      for (int i = 0; i < 200; i++) {
        log.append(event(i));
      }
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.filter(p -> p.toString().endsWith(".bgaudit")).count()).isGreaterThan(3);
    }
    AuditLogVerifier.VerificationResult r = verify();
    assertThat(r.problem()).isNull();
    assertThat(r.records()).isEqualTo(200);
    assertThat(r.unsignedRecords()).isZero();
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      records.add(AuditEventCodec.encode(i, event(i)));
    }
    assertThat(r.lastCheckpoint().rootHash()).isEqualTo(MerkleProofs.rootOf(records));
    try (TamperEvidentAuditLog log = builder().maxSegmentBytes(4096).build()) {
      assertThat(log.appendAndGetIndex(event(200))).isEqualTo(200);
    }
  }

  @Test
  void recordTimeNeverGoesBackwards() {
    try (TamperEvidentAuditLog log = builder().build()) {
      log.append(event(0, T0.plusSeconds(5)));
      log.append(event(1, T0));
    }
    List<AuditEvent> events = AuditLogReader.readEvents(dir);
    assertThat(events.get(1).time()).isEqualTo(T0.plusSeconds(5));
    assertThat(events.get(1).details()).containsEntry("n", "1");
    assertThat(verify().valid()).isTrue();
  }

  @Test
  void tornTailIsTruncatedAndRecordedAsARepairEvent() throws IOException {
    try (TamperEvidentAuditLog log = builder().build()) {
      for (int i = 0; i < 3; i++) {
        log.append(event(i));
      }
    }
    Path seg = onlySegment();
    long sizeBefore = Files.size(seg);
    byte[] partial = LogFormat.frame(LogFormat.RECORD, AuditEventCodec.encode(3, event(3)));
    Files.write(seg, java.util.Arrays.copyOf(partial, partial.length / 2), java.nio.file.StandardOpenOption.APPEND);

    try (TamperEvidentAuditLog log = builder().build()) {
      assertThat(log.size()).isEqualTo(4);
    }
    List<AuditEvent> events = AuditLogReader.readEvents(dir);
    assertThat(events).hasSize(4);
    AuditEvent repair = events.get(3);
    assertThat(repair.type()).isEqualTo(AuditEventType.AUDIT_LOG_REPAIRED);
    assertThat(repair.details()).containsEntry("offset", Long.toString(sizeBefore))
        .containsEntry("discardedBytes", Integer.toString(partial.length / 2))
        .containsEntry("firstLostIndex", "3");
    assertThat(verify().valid()).isTrue();
  }

  @Test
  void checksumMismatchInTheLastRecordIsATornTail() throws IOException {
    try (TamperEvidentAuditLog log = builder().checkpointEveryRecords(100).backgroundCheckpoints(false).build()) {
      for (int i = 0; i < 3; i++) {
        log.append(event(i));
      }
    }
    // Remove the closing checkpoint so that record 2 is last, then damage its final byte.
    Path seg = onlySegment();
    List<AuditLogReader.Entry> before = entries();
    long cpOffset = before.get(4).offset();
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.setLength(cpOffset);
      f.seek(cpOffset - 1);
      f.write('x');
    }
    try (TamperEvidentAuditLog log = builder().build()) {
      assertThat(log.size()).isEqualTo(3);
    }
    List<AuditEvent> events = AuditLogReader.readEvents(dir);
    assertThat(events.get(2).type()).isEqualTo(AuditEventType.AUDIT_LOG_REPAIRED);
    assertThat(events.get(2).details()).containsEntry("firstLostIndex", "2")
        .containsEntry("problem", "record checksum mismatch");
  }

  @Test
  void damageBeforeTheTailFailsOpenNamingRecordAndOffset() throws IOException {
    try (TamperEvidentAuditLog log = builder().build()) {
      for (int i = 0; i < 5; i++) {
        log.append(event(i));
      }
    }
    Path seg = onlySegment();
    AuditLogReader.Entry second = entries().get(2);
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.seek(second.offset() + LogFormat.FRAME_HEADER + 3);
      int b = f.read();
      f.seek(second.offset() + LogFormat.FRAME_HEADER + 3);
      f.write(b ^ 0x01);
    }
    long sizeBefore = Files.size(seg);
    assertThatThrownBy(() -> builder().build())
        .isInstanceOfSatisfying(AuditLogCorruptException.class, e -> {
          assertThat(e.recordIndex()).isEqualTo(1);
          assertThat(e.byteOffset()).isEqualTo(second.offset());
          assertThat(e.segment()).isEqualTo(seg.getFileName().toString());
          assertThat(e.getMessage()).contains("record 1").contains("byte offset " + second.offset());
        });
    assertThat(Files.size(seg)).as("nothing was repaired").isEqualTo(sizeBefore);
  }

  @Test
  void aLengthDamagedToPointPastTheEndIsNotMistakenForATornTail() throws IOException {
    try (TamperEvidentAuditLog log = builder().build()) {
      for (int i = 0; i < 5; i++) {
        log.append(event(i));
      }
    }
    Path seg = onlySegment();
    AuditLogReader.Entry second = entries().get(2);
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.seek(second.offset() + 1);
      f.write(0x7f);
    }
    assertThatThrownBy(() -> builder().build()).isInstanceOf(AuditLogCorruptException.class)
        .hasMessageContaining("record 1");
  }

  @Test
  void secondOpenOfTheSameDirectoryIsRefused() {
    try (TamperEvidentAuditLog log = builder().build()) {
      assertThatThrownBy(() -> builder().build()).isInstanceOf(AuditUnavailableException.class)
          .hasMessageContaining("open in another process");
      log.append(event(0));
    }
  }

  @Test
  void defaultSigningKeyIsCreatedOwnerOnlyAndReused() throws IOException {
    AuditPublicKey first;
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(dir).backgroundCheckpoints(false).build()) {
      log.append(event(0));
      first = log.publicKey();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("signing.key"))))
        .isEqualTo("rw-------");
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.open(dir)) {
      assertThat(log.publicKey()).isEqualTo(first);
    }
    assertThat(AuditLogVerifier.of(first).verify(dir).valid()).isTrue();
  }

  @Test
  void oversizedEventIsRefusedAndNothingIsWritten() {
    try (TamperEvidentAuditLog log = builder().build()) {
      AuditEvent huge = new AuditEvent(T0, AuditEventType.ACCESS_REQUESTED, "a", null, null,
          java.util.Map.of("blob", "x".repeat(LogFormat.MAX_PAYLOAD)));
      assertThatThrownBy(() -> log.append(huge)).isInstanceOf(AuditUnavailableException.class)
          .hasMessageContaining("exceeds the limit");
      assertThat(log.appendAndGetIndex(event(0))).isZero();
    }
  }

  @Test
  void builderRejectsBadSettingsNamingTheValue() {
    TamperEvidentAuditLog.Builder b = builder();
    assertThatThrownBy(() -> b.checkpointEveryRecords(0)).hasMessageContaining("was 0");
    assertThatThrownBy(() -> b.maxSegmentBytes(100)).hasMessageContaining("was 100");
    assertThatThrownBy(() -> b.checkpointInterval(Duration.ZERO)).hasMessageContaining("PT0S");
  }
}

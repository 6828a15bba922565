package dev.breakglass.core.audit;

import static dev.breakglass.core.audit.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the verifier reports, beyond tampering: progress, places, trust and the seal. */
class AuditLogVerifierTest extends SmallLogTestBase {

  AuditLogVerifier.VerificationResult verifyWith(AuditLogVerifier v, List<byte[]> parts) {
    return v.verify(List.of(source(segmentName, 0, assemble(parts))));
  }

  long[] recordFrame(int n) {
    return records().get(n);
  }

  @Test
  void aProblemReadsAsItsPlaceAndDescription() {
    AuditLogVerifier.Problem p = new AuditLogVerifier.Problem(7, "audit-0000.log", 812, "checksum mismatch");
    assertThat(p).hasToString("record 7 (audit-0000.log, byte offset 812): checksum mismatch");
  }

  @Test
  void aMissingDirectoryAndAnEmptyOneAreNamedProblems() throws IOException {
    AuditLogVerifier v = AuditLogVerifier.of(KEY.publicKey());
    Path missing = dir.resolve("missing");
    AuditLogVerifier.VerificationResult r = v.verify(missing);
    assertThat(r.valid()).isFalse();
    assertThat(r.problem()).isEqualTo(new AuditLogVerifier.Problem(0, missing.toString(), 0, "not a directory"));
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertThat(v.verify(empty).problem())
        .isEqualTo(new AuditLogVerifier.Problem(0, "(none)", 0, "the log has no segments"));
  }

  @Test
  void aNonCanonicalRecordIsNamedAtItsFrame() {
    long[] rec = recordFrame(1);
    String canonical = new String(AuditEventCodec.encode(1, event(1)), StandardCharsets.UTF_8);
    byte[] spaced = canonical.replace(",\"type\":", ", \"type\":").getBytes(StandardCharsets.UTF_8);
    List<byte[]> parts = frameBytes();
    parts.set(frames.indexOf(rec), LogFormat.frame(LogFormat.RECORD, spaced));
    AuditLogVerifier decoding = AuditLogVerifier.builder(KEY.publicKey()).trustedCheckpoint(kept)
        .decodeRecords(true).build();
    AuditLogVerifier.VerificationResult r = verifyWith(decoding, parts);
    assertThat(r.problem()).isEqualTo(new AuditLogVerifier.Problem(1, segmentName, rec[0],
        "record is not in canonical form"));
    assertThat(r.records()).isEqualTo(2);
    assertThat(r.checkpoints()).isEqualTo(1);
    assertThat(r.lastCheckpoint().treeSize()).isZero();
    assertThat(r.unsignedRecords()).isEqualTo(2);

    // Without decoding, the same record is found by the checkpoint that covers it.
    AuditLogVerifier.VerificationResult framesOnly = verifyBytes(assemble(parts));
    assertThat(framesOnly.problem().description()).contains("checkpoint root hash does not match");
    assertThat(framesOnly.problem().recordIndex()).isEqualTo(2);
  }

  @Test
  void anUndecodableRecordIsNamedWithTheReason() {
    long[] rec = recordFrame(2);
    byte[] bad = "{\"seq\":2,\"time\":\"2026-03-01T12:00:00.002Z\",\"type\":\"NO_SUCH_TYPE\"}"
        .getBytes(StandardCharsets.UTF_8);
    List<byte[]> parts = frameBytes();
    parts.set(frames.indexOf(rec), LogFormat.frame(LogFormat.RECORD, bad));
    AuditLogVerifier.Problem p = verifyWith(AuditLogVerifier.builder(KEY.publicKey()).decodeRecords(true).build(),
        parts).problem();
    assertThat(p.recordIndex()).isEqualTo(2);
    assertThat(p.byteOffset()).isEqualTo(rec[0]);
    assertThat(p.description()).startsWith("undecodable record: ");
  }

  @Test
  void aLogCutAfterACheckpointIsShorterThanTheTrustedOne() {
    // Frames: cp0 r0 r1 cp2 r2 r3 cp4 r4 cp5. Keep everything up to cp2.
    List<byte[]> parts = new ArrayList<>(frameBytes().subList(0, 4));
    long end = frames.get(3)[0] + frames.get(3)[1];
    AuditLogVerifier.VerificationResult r = verifyBytes(assemble(parts));
    assertThat(r.problem()).isEqualTo(new AuditLogVerifier.Problem(2, segmentName, end,
        "the log has 2 records but the trusted checkpoint covers 5 (records were removed)"));
    assertThat(r.records()).isEqualTo(2);
    assertThat(r.checkpoints()).isEqualTo(2);
    assertThat(r.unsignedRecords()).isZero();
  }

  @Test
  void recordsAfterTheLastCheckpointAreUnsignedAndRefusedWhenASealIsRequired() {
    List<byte[]> parts = new ArrayList<>(frameBytes());
    parts.remove(parts.size() - 1);
    long end = frames.get(frames.size() - 2)[0] + frames.get(frames.size() - 2)[1];
    AuditLogVerifier.VerificationResult sealed = verifyBytes(assemble(parts));
    assertThat(sealed.problem()).isEqualTo(new AuditLogVerifier.Problem(4, segmentName, end,
        "records from 4 on are not covered by a signed checkpoint"));
    AuditLogVerifier.VerificationResult open = verifyWith(AuditLogVerifier.builder(KEY.publicKey())
        .trustedCheckpoint(kept).build(), parts);
    assertThat(open.valid()).isTrue();
    assertThat(open.records()).isEqualTo(5);
    assertThat(open.lastCheckpoint().treeSize()).isEqualTo(4);
    assertThat(open.unsignedRecords()).isEqualTo(1);
    assertThat(open.checkpoints()).isEqualTo(3);

    // A log with records but no checkpoint at all: every record is unsigned.
    List<byte[]> recordsOnly = new ArrayList<>();
    records().forEach(f -> recordsOnly.add(slice(f)));
    AuditLogVerifier.VerificationResult none = verifyWith(AuditLogVerifier.builder(KEY.publicKey())
        .requireSealed(true).build(), recordsOnly);
    assertThat(none.problem().description()).isEqualTo("records from 0 on are not covered by a signed checkpoint");
    assertThat(none.lastCheckpoint()).isNull();
    assertThat(none.unsignedRecords()).isEqualTo(5);
  }

  @Test
  void aTrustedCheckpointOfAnotherLogIsNamed() throws IOException {
    Path other = dir.resolve("other");
    String otherId;
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(other).signingKey(KEY)
        .backgroundCheckpoints(false).build()) {
      log.append(event(0));
      otherId = log.logId();
    }
    AuditLogVerifier.VerificationResult r = verifier().verify(other);
    assertThat(r.problem().description()).isEqualTo("the trusted checkpoint is of log " + kept.logId()
        + ", but this log is " + otherId + " (another log)");
    assertThat(r.problem().recordIndex()).isZero();
    assertThat(r.checkpoints()).isZero();

    // The same log with every checkpoint removed names no log id at all.
    List<byte[]> recordsOnly = new ArrayList<>();
    records().forEach(f -> recordsOnly.add(slice(f)));
    AuditLogVerifier.VerificationResult stripped = verifyWith(AuditLogVerifier.builder(KEY.publicKey())
        .trustedCheckpoint(kept).build(), recordsOnly);
    assertThat(stripped.problem().description()).isEqualTo("the trusted checkpoint is of log " + kept.logId()
        + ", but this log names no log id (its checkpoints were removed, or it is another log)");
    assertThat(stripped.problem().recordIndex()).isEqualTo(5);
  }

  @Test
  void progressIsToldAtTheStartAndEndOfEverySegment() throws IOException {
    Path multi = dir.resolve("multi");
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(multi).signingKey(KEY)
        .backgroundCheckpoints(false).maxSegmentBytes(4096).build()) {
      for (int i = 0; i < 60; i++) {
        log.append(event(i));
      }
    }
    List<String> segments = LogScanner.segmentsOf(multi).stream().map(LogScanner.Source::name).toList();
    assertThat(segments).hasSizeGreaterThan(2);
    List<String> calls = new ArrayList<>();
    AuditLogVerifier.VerificationResult r = AuditLogVerifier.builder(KEY.publicKey())
        .progress((records, segment, offset) -> calls.add(segment + (offset == Long.MAX_VALUE ? " end" : " @" + records)))
        .build().verify(multi);
    assertThat(r.valid()).isTrue();
    List<String> expected = new ArrayList<>();
    expected.add(segments.get(0) + " @0");
    segments.forEach(s -> expected.add(s + " end"));
    assertThat(calls).containsExactlyElementsOf(expected);
  }

  @Test
  void progressIsToldEveryStrideOfRecords() {
    Path big = dir.resolve("big");
    int n = 2 * AuditLogVerifier.PROGRESS_EVERY + 3;
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(big).signingKey(KEY).fsync(false)
        .backgroundCheckpoints(false).build()) {
      for (int i = 0; i < n; i++) {
        log.append(new AuditEvent(TestEvents.T0.plusMillis(i), AuditEventType.ACCESS_REQUESTED, "u", null, null,
            Map.of()));
      }
    }
    List<long[]> calls = new ArrayList<>();
    AuditLogVerifier.VerificationResult r = AuditLogVerifier.builder(KEY.publicKey())
        .progress((records, segment, offset) -> calls.add(new long[] {records, offset}))
        .build().verify(big);
    assertThat(r.records()).isEqualTo(n);
    assertThat(calls).extracting(c -> c[0]).containsExactly(0L, (long) AuditLogVerifier.PROGRESS_EVERY,
        2L * AuditLogVerifier.PROGRESS_EVERY, (long) n);
    assertThat(calls.get(1)[1]).isGreaterThan(calls.get(0)[1]);
    assertThat(calls.get(2)[1]).isGreaterThan(calls.get(1)[1]).isLessThan(Long.MAX_VALUE);
    assertThat(calls.get(3)[1]).isEqualTo(Long.MAX_VALUE);
  }
}

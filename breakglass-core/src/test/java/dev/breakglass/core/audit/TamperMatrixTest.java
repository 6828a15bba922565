package dev.breakglass.core.audit;

import static dev.breakglass.core.audit.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way of changing a finished log is detected by the verifier holding the public key and the
 * last checkpoint the writer handed out (as a security team would keep it).
 */
class TamperMatrixTest extends SmallLogTestBase {
  @Test
  void flippingAnyByteIsDetected() {
    for (int i = 0; i < original.length; i++) {
      byte[] m = original.clone();
      m[i] ^= (byte) 0xff;
      assertThat(verifyBytes(m).valid()).as("flip at byte %d", i).isFalse();
      m[i] ^= (byte) 0x81;
      assertThat(verifyBytes(m).valid()).as("single-bit flip at byte %d", i).isFalse();
    }
  }

  @Test
  void deletingAnyRecordIsDetectedAtThatRecord() {
    List<long[]> recs = records();
    for (int k = 0; k < recs.size(); k++) {
      List<byte[]> parts = frameBytes();
      parts.remove(frames.indexOf(recs.get(k)));
      AuditLogVerifier.VerificationResult r = verifyBytes(assemble(parts));
      assertThat(r.valid()).as("record %d deleted", k).isFalse();
      assertThat(r.problem().recordIndex()).isEqualTo(k);
      assertThat(r.problem().byteOffset()).isEqualTo(recs.get(k)[0]);
    }
  }

  @Test
  void reorderingRecordsIsDetected() {
    List<long[]> recs = records();
    for (int k = 0; k + 1 < recs.size(); k++) {
      List<byte[]> parts = frameBytes();
      int a = frames.indexOf(recs.get(k));
      int b = frames.indexOf(recs.get(k + 1));
      byte[] tmp = parts.get(a);
      parts.set(a, parts.get(b));
      parts.set(b, tmp);
      AuditLogVerifier.VerificationResult r = verifyBytes(assemble(parts));
      assertThat(r.valid()).as("records %d and %d swapped", k, k + 1).isFalse();
      assertThat(r.problem().recordIndex()).isEqualTo(k);
    }
  }

  @Test
  void duplicatingAnyRecordIsDetected() {
    List<long[]> recs = records();
    for (int k = 0; k < recs.size(); k++) {
      List<byte[]> parts = frameBytes();
      int at = frames.indexOf(recs.get(k));
      parts.add(at + 1, parts.get(at));
      AuditLogVerifier.VerificationResult r = verifyBytes(assemble(parts));
      assertThat(r.valid()).as("record %d duplicated", k).isFalse();
      assertThat(r.problem().recordIndex()).isEqualTo(k + 1);
    }
  }

  @Test
  void truncatingAtAnyByteIsDetected() {
    for (int len = 0; len < original.length; len++) {
      byte[] m = java.util.Arrays.copyOf(original, len);
      assertThat(verifyBytes(m).valid()).as("truncated to %d bytes", len).isFalse();
    }
  }

  @Test
  void removingAWholeSegmentIsDetected() throws IOException {
    Path big = dir.resolve("big");
    Checkpoint last;
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(big).signingKey(KEY).maxSegmentBytes(4096)
        .backgroundCheckpoints(false).build()) {
      for (int i = 0; i < 100; i++) {
        log.append(event(i));
      }
      log.close();
      last = log.latestCheckpoint();
    }
    List<LogScanner.Source> segs = LogScanner.segmentsOf(big);
    assertThat(segs.size()).isGreaterThan(2);
    for (int k = 0; k < segs.size(); k++) {
      List<LogScanner.Source> without = new ArrayList<>(segs);
      without.remove(k);
      AuditLogVerifier v = AuditLogVerifier.builder(KEY.publicKey()).trustedCheckpoint(last).requireSealed(true).build();
      assertThat(v.verify(without).valid()).as("segment %d removed", k).isFalse();
    }
  }

  @Test
  void rewritingARecordWithValidChecksumsIsDetectedByTheCheckpointRoot() {
    long[] rec = records().get(1);
    AuditEvent forged = new AuditEvent(TestEvents.T0.plusMillis(1), AuditEventType.ACCESS_DENIED, "mallory", null,
        null, Map.of());
    List<byte[]> parts = frameBytes();
    parts.set(frames.indexOf(rec), LogFormat.frame(LogFormat.RECORD, AuditEventCodec.encode(1, forged)));
    AuditLogVerifier.VerificationResult r = verifyBytes(assemble(parts));
    assertThat(r.valid()).isFalse();
    assertThat(r.problem().description()).contains("checkpoint root hash does not match");
  }

  @Test
  void replacingTheTailAndResigningWithAnotherKeyIsDetected() {
    // Keep records 0..3 and the checkpoints up to size 4, forge the rest and sign it with another key.
    List<byte[]> parts = new ArrayList<>();
    MerkleFrontier tree = new MerkleFrontier();
    long recordsKept = 0;
    for (long[] f : frames) {
      if (f[2] == LogFormat.RECORD && recordsKept < 4) {
        byte[] frame = slice(f);
        parts.add(frame);
        tree.appendLeaf(frame, LogFormat.FRAME_HEADER, frame.length - LogFormat.FRAME_HEADER);
        recordsKept++;
      } else if (f[2] == LogFormat.CHECKPOINT && recordsKept <= 4 && parts.size() < 7) {
        parts.add(slice(f));
      }
    }
    byte[] forged = AuditEventCodec.encode(4, new AuditEvent(Instant.parse("2026-03-01T12:00:01Z"),
        AuditEventType.GRANT_CLOSED, "mallory", "grant-4", "db-root", Map.of()));
    parts.add(LogFormat.frame(LogFormat.RECORD, forged));
    tree.appendLeaf(forged, 0, forged.length);
    Checkpoint attackerSigned = Checkpoint.sign(kept.logId(), 4, 5, tree.root(), Instant.parse("2026-03-01T12:00:02Z"),
        ATTACKER);
    parts.add(LogFormat.frame(LogFormat.CHECKPOINT, attackerSigned.toText().getBytes(StandardCharsets.UTF_8)));
    assertThat(verifyBytes(assemble(parts)).valid()).isFalse();
    // Even without a kept checkpoint, the key alone exposes the forged signature.
    AuditLogVerifier keyOnly = AuditLogVerifier.of(KEY.publicKey());
    AuditLogVerifier.VerificationResult r = keyOnly.verify(List.of(source(segmentName, 0, assemble(parts))));
    assertThat(r.valid()).isFalse();
    assertThat(r.problem().description()).contains("untrusted key");
    assertThat(r.problem().recordIndex()).isEqualTo(5);

    // Same forgery, claiming the real key id.
    Checkpoint claimed = new Checkpoint(5, tree.root(), attackerSigned.time(), KEY.keyId(),
        ATTACKER.sign(new Checkpoint(5, tree.root(), attackerSigned.time(), KEY.keyId(), new byte[64], kept.logId(), 4)
            .signedBody()), kept.logId(), 4);
    parts.set(parts.size() - 1, LogFormat.frame(LogFormat.CHECKPOINT, claimed.toText().getBytes(StandardCharsets.UTF_8)));
    assertThat(verifyBytes(assemble(parts)).valid()).isFalse();
    r = keyOnly.verify(List.of(source(segmentName, 0, assemble(parts))));
    assertThat(r.valid()).isFalse();
    assertThat(r.problem().description()).contains("signature is invalid");

    // Without any new checkpoint, the kept checkpoint exposes the rewrite.
    parts.remove(parts.size() - 1);
    r = verifyBytes(assemble(parts));
    assertThat(r.valid()).isFalse();
    assertThat(r.problem().description()).contains("do not match the trusted checkpoint");
  }

  @Test
  void aWhollyForgedLogSignedByAnotherKeyIsDetected() throws IOException {
    Path fake = dir.resolve("fake");
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(fake).signingKey(ATTACKER)
        .backgroundCheckpoints(false).build()) {
      for (int i = 0; i < 5; i++) {
        log.append(event(i));
      }
    }
    AuditLogVerifier.VerificationResult r = AuditLogVerifier.of(KEY.publicKey()).verify(fake);
    assertThat(r.valid()).isFalse();
    assertThat(r.problem().description()).contains("untrusted key");
  }
}

package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Fuzz targets for the record reader and the verifier. In a normal build Jazzer runs the stored
 * inputs under {@code src/test/resources/dev/breakglass/core/audit/AuditLogFuzzTestInputs/} as
 * regression tests; with {@code JAZZER_FUZZ=1} it fuzzes. The rule: whatever the bytes, the reader
 * ends normally or with {@link AuditLogCorruptException}, and the verifier returns a result without
 * throwing.
 */
class AuditLogFuzzTest {
  private static final AuditPublicKey KEY = AuditSigningKey.generate().publicKey();

  /** Arbitrary bytes after a valid segment header: frames, lengths, checksums are all fuzzed. */
  @FuzzTest(maxDuration = "30s")
  void rawSegmentBytes(byte[] frames) {
    ByteArrayOutputStream seg = new ByteArrayOutputStream();
    seg.writeBytes(LogFormat.segmentHeader(0));
    seg.writeBytes(frames);
    check(seg.toByteArray());
  }

  /**
   * Well-framed payloads with valid checksums, so that the fuzzer reaches record decoding and
   * checkpoint parsing.
   */
  @FuzzTest(maxDuration = "30s")
  void framedPayloads(FuzzedDataProvider data) {
    ByteArrayOutputStream seg = new ByteArrayOutputStream();
    seg.writeBytes(LogFormat.segmentHeader(0));
    int frames = data.consumeInt(0, 8);
    long records = 0;
    for (int i = 0; i < frames && data.remainingBytes() > 0; i++) {
      boolean record = data.consumeBoolean();
      byte[] body = data.consumeBytes(data.consumeInt(0, 2048));
      if (record) {
        // A well-formed head gets past the fast checks into JSON decoding.
        byte[] head = ("{\"seq\":" + records++ + ",\"time\":\"2026-01-01T00:00:0" + (i % 10) + "Z\",")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] payload = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, payload, head.length, body.length);
        seg.writeBytes(LogFormat.frame(LogFormat.RECORD, payload));
      } else {
        seg.writeBytes(LogFormat.frame(LogFormat.CHECKPOINT, body));
      }
    }
    check(seg.toByteArray());
  }

  static void check(byte[] segment) {
    List<LogScanner.Source> sources = List.of(TamperMatrixTest.source(LogFormat.segmentName(0), 0, segment));
    try (AuditLogReader r = AuditLogReader.over(sources)) {
      long records = 0;
      for (AuditLogReader.Entry e = r.next(); e != null; e = r.next()) {
        if (e instanceof AuditLogReader.RecordEntry rec) {
          assertThat(rec.index()).isEqualTo(records++);
        }
      }
    } catch (AuditLogCorruptException expected) {
      assertThat(expected.byteOffset()).isBetween(0L, (long) segment.length);
    }
    AuditLogVerifier.VerificationResult v =
        AuditLogVerifier.builder(KEY).decodeRecords(true).build().verify(sources);
    assertThat(v.records()).isGreaterThanOrEqualTo(0);
  }
}

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
import org.junit.jupiter.api.io.TempDir;

/**
 * A finished five-record log (checkpoints every two records, sealed on close) with the last
 * checkpoint the writer handed out, and tools to take its segment apart and put it back together.
 */
abstract class SmallLogTestBase {
  static final AuditSigningKey KEY = AuditSigningKey.generate();
  static final AuditSigningKey ATTACKER = AuditSigningKey.generate();

  @TempDir Path dir;
  Checkpoint kept;
  String segmentName;
  byte[] original;
  List<long[]> frames;

  @BeforeEach
  void writeSmallLog() throws IOException {
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(dir).signingKey(KEY).checkpointEveryRecords(2)
        .backgroundCheckpoints(false).build()) {
      for (int i = 0; i < 5; i++) {
        log.append(event(i));
      }
      log.close();
      kept = log.latestCheckpoint();
    }
    segmentName = LogFormat.segmentName(0);
    original = Files.readAllBytes(dir.resolve(segmentName));
    frames = frames(original);
    assertThat(verifyBytes(original).problem()).as("the untouched log verifies").isNull();
    assertThat(kept.treeSize()).isEqualTo(5);
  }

  AuditLogVerifier verifier() {
    return AuditLogVerifier.builder(KEY.publicKey()).trustedCheckpoint(kept).requireSealed(true).build();
  }

  AuditLogVerifier.VerificationResult verifyBytes(byte[] segment) {
    return verifier().verify(List.of(source(segmentName, 0, segment)));
  }

  static LogScanner.Source source(String name, long first, byte[] bytes) {
    return new LogScanner.Source() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long firstIndex() {
        return first;
      }

      @Override
      public ReadableByteChannel open() {
        return Channels.newChannel(new ByteArrayInputStream(bytes));
      }
    };
  }

  /** Offsets, lengths and types of the frames of a segment. */
  static List<long[]> frames(byte[] seg) throws IOException {
    List<long[]> out = new ArrayList<>();
    SegmentScanner s = new SegmentScanner(Channels.newChannel(
        new ByteArrayInputStream(seg, LogFormat.SEGMENT_HEADER, seg.length)), LogFormat.SEGMENT_HEADER);
    try {
      while (s.next()) {
        out.add(new long[] {s.frameOffset(), s.endOffset() - s.frameOffset(), s.type()});
      }
    } catch (SegmentScanner.BadFrame e) {
      throw new AssertionError(e);
    }
    return out;
  }

  List<long[]> records() {
    return frames.stream().filter(f -> f[2] == LogFormat.RECORD).toList();
  }

  byte[] slice(long[] frame) {
    return java.util.Arrays.copyOfRange(original, (int) frame[0], (int) (frame[0] + frame[1]));
  }

  byte[] assemble(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(java.util.Arrays.copyOf(original, LogFormat.SEGMENT_HEADER));
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }

  List<byte[]> frameBytes() {
    List<byte[]> out = new ArrayList<>();
    frames.forEach(f -> out.add(slice(f)));
    return out;
  }
}

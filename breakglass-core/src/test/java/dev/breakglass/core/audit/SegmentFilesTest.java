package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Creating segments, clearing what a crash left, and telling a torn tail from damage in the middle. */
class SegmentFilesTest {
  @TempDir Path dir;

  static final byte[] A = LogFormat.frame(LogFormat.RECORD, "first".getBytes(StandardCharsets.US_ASCII));
  static final byte[] B = LogFormat.frame(LogFormat.RECORD, "second record".getBytes(StandardCharsets.US_ASCII));
  static final byte[] C = LogFormat.frame(LogFormat.CHECKPOINT, "third".getBytes(StandardCharsets.US_ASCII));

  Path segment(byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(LogFormat.segmentHeader(0));
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return Files.write(dir.resolve(LogFormat.segmentName(0)), out.toByteArray());
  }

  static long offsetOfSecond() {
    return LogFormat.SEGMENT_HEADER + A.length;
  }

  static byte[] flipped(byte[] frame, int at) {
    byte[] f = frame.clone();
    f[at] ^= 1;
    return f;
  }

  @Test
  void aFrameCutShortAtTheEndIsATornTail() throws IOException {
    for (int keep = 0; keep < B.length; keep++) {
      Path s = segment(A, Arrays.copyOf(B, keep));
      assertThat(SegmentFiles.isTornTail(s, offsetOfSecond())).as("%d bytes kept", keep).isTrue();
    }
  }

  @Test
  void aDamagedLastFrameIsATornTailButDamageBeforeAnIntactFrameIsNot() throws IOException {
    assertThat(SegmentFiles.isTornTail(segment(A, flipped(B, B.length - 1)), offsetOfSecond())).isTrue();
    assertThat(SegmentFiles.isTornTail(segment(A, flipped(B, B.length - 1), C), offsetOfSecond())).isFalse();
    assertThat(SegmentFiles.isTornTail(segment(A, flipped(B, 2), C), offsetOfSecond())).isFalse();
    assertThat(SegmentFiles.isTornTail(segment(A, B), offsetOfSecond())).as("the frame itself is intact").isFalse();
    byte[] cAtTheVeryEnd = new byte[7 + C.length];
    System.arraycopy(C, 0, cAtTheVeryEnd, 7, C.length);
    assertThat(SegmentFiles.isTornTail(segment(A, cAtTheVeryEnd), offsetOfSecond()))
        .as("an intact frame ending exactly at the end of the file").isFalse();
  }

  @Test
  void randomBytesAfterTheLastFrameAreATornTail() throws IOException {
    byte[] junk = new byte[5000];
    new SplittableRandom(3).nextBytes(junk);
    assertThat(SegmentFiles.isTornTail(segment(A, junk), offsetOfSecond())).isTrue();
    assertThat(SegmentFiles.isTornTail(segment(A), offsetOfSecond())).as("nothing after it").isTrue();
  }

  @Test
  void aNewSegmentHasItsHeaderIsOpenAtItsEndAndLeavesNoTemporaryFile() throws IOException {
    try (FileChannel ch = SegmentFiles.createSegment(FileChannelFactory.DEFAULT, dir, 42)) {
      assertThat(ch.position()).isEqualTo(LogFormat.SEGMENT_HEADER);
      ch.write(ByteBuffer.wrap(A));
    }
    Path s = dir.resolve(LogFormat.segmentName(42));
    byte[] bytes = Files.readAllBytes(s);
    assertThat(LogFormat.parseSegmentHeader(bytes)).isEqualTo(42);
    assertThat(Arrays.copyOfRange(bytes, LogFormat.SEGMENT_HEADER, bytes.length)).isEqualTo(A);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(s);
    }
  }

  @Test
  void onlyTheTemporaryFilesOfSegmentCreationAreLeftoversToDelete() throws IOException {
    Path leftover = Files.writeString(dir.resolve("." + LogFormat.segmentName(7) + ".tmp"), "half a header");
    Path segment = segment(A);
    Path other = Files.writeString(dir.resolve(".lock"), "");
    Path notes = Files.writeString(dir.resolve("notes.tmp"), "mine");
    SegmentFiles.deleteLeftovers(dir);
    assertThat(leftover).doesNotExist();
    assertThat(segment).exists();
    assertThat(other).exists();
    assertThat(notes).exists();
  }
}

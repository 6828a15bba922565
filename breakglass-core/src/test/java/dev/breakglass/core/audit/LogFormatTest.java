package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The byte layout of segments and frames, and the checks that judge them. */
class LogFormatTest {
  final CRC32C crc = new CRC32C();

  /** A frame header with the given length and type and a checksum that matches them. */
  static byte[] header(int length, byte type) {
    byte[] h = new byte[LogFormat.FRAME_HEADER];
    ByteBuffer.wrap(h).putInt(length).put(type);
    CRC32C c = new CRC32C();
    c.update(h, 0, 5);
    ByteBuffer.wrap(h).putInt(5, (int) c.getValue());
    return h;
  }

  @Test
  void segmentNamesAndTheirIndexesRoundTrip() {
    for (long i : new long[] {0, 1, 9, 10, 123_456_789, Long.MAX_VALUE}) {
      String name = LogFormat.segmentName(i);
      assertThat(name).hasSize(LogFormat.SEGMENT_PREFIX.length() + 20 + LogFormat.SEGMENT_SUFFIX.length());
      assertThat(LogFormat.segmentIndex(name)).isEqualTo(i);
    }
    assertThat(LogFormat.segmentName(42)).isEqualTo("segment-00000000000000000042.bgaudit");
  }

  @Test
  void namesThatAreNotSegmentsHaveNoIndex() {
    assertThat(LogFormat.segmentIndex("segment-0000000000000000004.bgaudit")).isEqualTo(-1);
    assertThat(LogFormat.segmentIndex("segment-000000000000000000042.bgaudit")).isEqualTo(-1);
    assertThat(LogFormat.segmentIndex("segmenT-00000000000000000042.bgaudit")).isEqualTo(-1);
    assertThat(LogFormat.segmentIndex("segment-00000000000000000042.bgaudix")).isEqualTo(-1);
    assertThat(LogFormat.segmentIndex("segment-00000000000000000042.bgaudit.tmp")).isEqualTo(-1);
    assertThat(LogFormat.segmentIndex("segment-0000000000000000004/.bgaudit")).isEqualTo(-1);
    assertThat(LogFormat.segmentIndex("segment-0000000000000000004:.bgaudit")).isEqualTo(-1);
    assertThat(LogFormat.segmentIndex("segment-/0000000000000000042.bgaudit")).isEqualTo(-1);
    assertThat(LogFormat.segmentIndex("segment-:0000000000000000004.bgaudit")).isEqualTo(-1);
    assertThat(LogFormat.segmentIndex("segment-99999999999999999999.bgaudit")).as("above Long.MAX_VALUE")
        .isEqualTo(-1);
  }

  @Test
  void aSegmentHeaderNamesItsFirstIndexAndEveryDamageIsNamed() {
    byte[] h = LogFormat.segmentHeader(77);
    assertThat(h).hasSize(LogFormat.SEGMENT_HEADER).startsWith(LogFormat.MAGIC);
    assertThat(LogFormat.parseSegmentHeader(h)).isEqualTo(77);

    byte[] magic = h.clone();
    magic[7] = '2';
    assertThatThrownBy(() -> LogFormat.parseSegmentHeader(magic)).hasMessage("not an audit log segment (bad magic)");
    byte[] flipped = h.clone();
    flipped[19] ^= 1;
    assertThatThrownBy(() -> LogFormat.parseSegmentHeader(flipped)).hasMessage("segment header checksum mismatch");
    assertThatThrownBy(() -> LogFormat.parseSegmentHeader(resealed(h, b -> b.putInt(8, 2))))
        .hasMessage("unsupported segment format version 2");
    assertThatThrownBy(() -> LogFormat.parseSegmentHeader(resealed(h, b -> b.putLong(12, -1))))
        .hasMessage("segment header names a negative first index");
    assertThat(LogFormat.parseSegmentHeader(resealed(h, b -> b.putLong(12, 0)))).isZero();
  }

  static byte[] resealed(byte[] h, java.util.function.Consumer<ByteBuffer> change) {
    byte[] c = h.clone();
    ByteBuffer b = ByteBuffer.wrap(c);
    change.accept(b);
    CRC32C crc = new CRC32C();
    crc.update(c, 0, 20);
    b.putInt(20, (int) crc.getValue());
    return c;
  }

  @Test
  void aFrameIsItsLengthTypeTwoChecksumsAndPayload() {
    byte[] payload = "{\"seq\":0}".getBytes(StandardCharsets.US_ASCII);
    byte[] f = LogFormat.frame(LogFormat.RECORD, payload);
    assertThat(f).hasSize(LogFormat.FRAME_HEADER + payload.length);
    assertThat(LogFormat.readInt(f, 0)).isEqualTo(payload.length);
    assertThat(f[4]).isEqualTo(LogFormat.RECORD);
    assertThat(Arrays.copyOfRange(f, LogFormat.FRAME_HEADER, f.length)).isEqualTo(payload);
    CRC32C c = new CRC32C();
    c.update(payload);
    assertThat(LogFormat.readInt(f, 9)).isEqualTo((int) c.getValue());
    assertThat(LogFormat.headerProblem(f, 0, crc)).isNull();
    assertThat(LogFormat.payloadIntact(f, 0, crc)).isTrue();
    assertThat(LogFormat.intactFrameAt(f, 0, crc)).isTrue();
  }

  @Test
  void everyByteOfTheLengthIsWritten() {
    byte[] mid = LogFormat.frame(LogFormat.CHECKPOINT, new byte[0x01_02_03]);
    assertThat(Arrays.copyOf(mid, 5)).containsExactly(0, 1, 2, 3, LogFormat.CHECKPOINT);
    assertThat(LogFormat.headerProblem(mid, 0, crc)).isNull();
    byte[] huge = LogFormat.frame(LogFormat.RECORD, new byte[(1 << 24) + 5]);
    assertThat(Arrays.copyOf(huge, 4)).containsExactly(1, 0, 0, 5);
    assertThat(LogFormat.headerProblem(huge, 0, crc)).isEqualTo("frame length 16777221 out of range");
  }

  @Test
  void aFrameHeaderIsJudgedByChecksumLengthAndType() {
    assertThat(LogFormat.headerProblem(header(LogFormat.MAX_PAYLOAD, LogFormat.RECORD), 0, crc)).isNull();
    assertThat(LogFormat.headerProblem(header(0, LogFormat.CHECKPOINT), 0, crc)).isNull();
    assertThat(LogFormat.headerProblem(header(LogFormat.MAX_PAYLOAD + 1, LogFormat.RECORD), 0, crc))
        .isEqualTo("frame length 1048577 out of range");
    assertThat(LogFormat.headerProblem(header(-1, LogFormat.RECORD), 0, crc)).isEqualTo("frame length -1 out of range");
    assertThat(LogFormat.headerProblem(header(10, (byte) 3), 0, crc)).isEqualTo("unknown frame type 3");
    assertThat(LogFormat.headerProblem(header(10, (byte) 0), 0, crc)).isEqualTo("unknown frame type 0");
    byte[] bad = header(10, LogFormat.RECORD);
    bad[3] ^= 1;
    assertThat(LogFormat.headerProblem(bad, 0, crc)).isEqualTo("frame header checksum mismatch");
    byte[] shifted = new byte[3 + LogFormat.FRAME_HEADER];
    System.arraycopy(header(7, LogFormat.RECORD), 0, shifted, 3, LogFormat.FRAME_HEADER);
    assertThat(LogFormat.headerProblem(shifted, 3, crc)).isNull();
    assertThat(LogFormat.headerProblem(shifted, 0, crc)).isEqualTo("frame header checksum mismatch");
  }

  @Test
  void anIntactFrameMustEndInsideTheBuffer() {
    byte[] f = LogFormat.frame(LogFormat.RECORD, "payload".getBytes(StandardCharsets.US_ASCII));
    byte[] padded = new byte[f.length + 2];
    System.arraycopy(f, 0, padded, 2, f.length);
    assertThat(LogFormat.intactFrameAt(padded, 2, crc)).isTrue();
    assertThat(LogFormat.intactFrameAt(Arrays.copyOf(padded, padded.length - 1), 2, crc)).as("payload cut")
        .isFalse();
    assertThat(LogFormat.intactFrameAt(Arrays.copyOf(f, LogFormat.FRAME_HEADER), 0, crc)).as("no payload")
        .isFalse();
    assertThat(LogFormat.intactFrameAt(Arrays.copyOf(f, LogFormat.FRAME_HEADER - 1), 0, crc)).as("header cut")
        .isFalse();
    byte[] empty = LogFormat.frame(LogFormat.CHECKPOINT, new byte[0]);
    assertThat(LogFormat.intactFrameAt(empty, 0, crc)).as("an empty payload fits exactly").isTrue();
    byte[] flipped = f.clone();
    flipped[f.length - 1] ^= 1;
    assertThat(LogFormat.intactFrameAt(flipped, 0, crc)).isFalse();
    assertThat(LogFormat.payloadIntact(flipped, 0, crc)).isFalse();
    byte[] badHeader = f.clone();
    badHeader[4] = 9;
    assertThat(LogFormat.intactFrameAt(badHeader, 0, crc)).isFalse();
  }

  @Test
  void aFrameBufferGrowsToHoldWhatIsPutIntoIt() {
    LogFormat.FrameBuffer b = new LogFormat.FrameBuffer(1);
    assertThat(b.isEmpty()).isTrue();
    byte[] expected = new byte[1000 * 7];
    ByteBuffer e = ByteBuffer.wrap(expected);
    for (int i = 0; i < 1000; i++) {
      b.putInt(0x01020304 * i).putBytes(new byte[] {(byte) i, 2, (byte) (i >> 8)});
      e.putInt(0x01020304 * i).put((byte) i).put((byte) 2).put((byte) (i >> 8));
    }
    assertThat(b.length()).isEqualTo(expected.length);
    assertThat(b.isEmpty()).isFalse();
    assertThat(b.toByteArray()).isEqualTo(expected);
    ByteBuffer view = b.asByteBuffer();
    assertThat(view.remaining()).isEqualTo(expected.length);
    byte[] viewed = new byte[view.remaining()];
    view.get(viewed);
    assertThat(viewed).isEqualTo(expected);
    b.clear();
    assertThat(b.isEmpty()).isTrue();
    assertThat(b.length()).isZero();
    b.putBytes(new byte[] {9});
    assertThat(b.toByteArray()).containsExactly(9);

    LogFormat.FrameBuffer big = new LogFormat.FrameBuffer(4);
    big.putBytes(new byte[] {1, 2, 3});
    big.putBytes(new byte[100]);
    assertThat(big.length()).isEqualTo(103);
    assertThat(Arrays.copyOf(big.toByteArray(), 3)).containsExactly(1, 2, 3);
  }
}

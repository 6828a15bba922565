package dev.breakglass.core.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The on-disk layout of the tamper-evident audit log.
 *
 * <p>A log is a directory of segment files named {@code segment-<20-digit index>.bgaudit}, the
 * number being the index of the segment's first record. A segment starts with a 24-byte header
 * (magic {@code BGAUDIT1}, format version, first record index, CRC32C of the preceding 20 bytes)
 * and continues with frames:
 *
 * <pre>
 * u32 payload length | u8 type | u32 CRC32C(length, type) | u32 CRC32C(payload) | payload
 * </pre>
 *
 * <p>All integers are big-endian. Type 1 is a record (payload: the canonical JSON of the event with
 * its sequence number, which is also the record's Merkle leaf); type 2 is a signed checkpoint (payload:
 * {@link Checkpoint#toText()}), placed directly after the last record it covers. The header CRC lets
 * a reader tell a damaged length from a torn write.
 */
final class LogFormat {
  static final byte[] MAGIC = "BGAUDIT1".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int SEGMENT_HEADER = 24;
  static final int FRAME_HEADER = 13;
  static final byte RECORD = 1;
  static final byte CHECKPOINT = 2;
  /** Largest payload accepted, written or read. */
  static final int MAX_PAYLOAD = 1 << 20;
  static final String SEGMENT_PREFIX = "segment-";
  static final String SEGMENT_SUFFIX = ".bgaudit";

  private LogFormat() {}

  static String segmentName(long firstIndex) {
    return String.format("%s%020d%s", SEGMENT_PREFIX, firstIndex, SEGMENT_SUFFIX);
  }

  /** The first index named by a segment file name, or -1 if the name is not a segment's. */
  static long segmentIndex(String name) {
    if (!name.startsWith(SEGMENT_PREFIX) || !name.endsWith(SEGMENT_SUFFIX)
        || name.length() != SEGMENT_PREFIX.length() + 20 + SEGMENT_SUFFIX.length()) {
      return -1;
    }
    String digits = name.substring(SEGMENT_PREFIX.length(), SEGMENT_PREFIX.length() + 20);
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static byte[] segmentHeader(long firstIndex) {
    ByteBuffer b = ByteBuffer.allocate(SEGMENT_HEADER);
    b.put(MAGIC).putInt(VERSION).putLong(firstIndex);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 20);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /**
   * Checks a segment header; returns the first index it names.
   *
   * @throws IllegalArgumentException describing what is wrong
   */
  static long parseSegmentHeader(byte[] h) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (h[i] != MAGIC[i]) {
        throw new IllegalArgumentException("not an audit log segment (bad magic)");
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(h, 0, 20);
    ByteBuffer b = ByteBuffer.wrap(h);
    if (b.getInt(20) != (int) crc.getValue()) {
      throw new IllegalArgumentException("segment header checksum mismatch");
    }
    int version = b.getInt(8);
    if (version != VERSION) {
      throw new IllegalArgumentException("unsupported segment format version " + version);
    }
    long first = b.getLong(12);
    if (first < 0) {
      throw new IllegalArgumentException("segment header names a negative first index");
    }
    return first;
  }

  /** Appends one frame to {@code out} (which must have room). */
  static void writeFrame(FrameBuffer out, byte type, byte[] payload, CRC32C crc) {
    byte[] head = {(byte) (payload.length >>> 24), (byte) (payload.length >>> 16),
        (byte) (payload.length >>> 8), (byte) payload.length, type};
    crc.reset();
    crc.update(head, 0, 5);
    int headCrc = (int) crc.getValue();
    crc.reset();
    crc.update(payload, 0, payload.length);
    out.putBytes(head).putInt(headCrc).putInt((int) crc.getValue()).putBytes(payload);
  }

  /**
   * Checks the frame header at {@code b[p]} (its CRC, length range and type): the one place a frame
   * header is judged, for the scanner, the verifier and the torn-tail check alike.
   *
   * @return {@code null} if the header is intact, otherwise what is wrong with it
   */
  static @Nullable String headerProblem(byte[] b, int p, CRC32C crc) {
    crc.reset();
    crc.update(b, p, 5);
    if (readInt(b, p + 5) != (int) crc.getValue()) {
      return "frame header checksum mismatch";
    }
    int len = readInt(b, p);
    if (len < 0 || len > MAX_PAYLOAD) {
      return "frame length " + len + " out of range";
    }
    byte type = b[p + 4];
    if (type != RECORD && type != CHECKPOINT) {
      return "unknown frame type " + type;
    }
    return null;
  }

  /** Whether the payload of the frame at {@code b[p]} (header already checked, fully in {@code b}) matches its CRC. */
  static boolean payloadIntact(byte[] b, int p, CRC32C crc) {
    crc.reset();
    crc.update(b, p + FRAME_HEADER, readInt(b, p));
    return readInt(b, p + 9) == (int) crc.getValue();
  }

  /** Whether an intact frame (header and payload) starts at {@code b[p]} and ends within {@code b}. */
  static boolean intactFrameAt(byte[] b, int p, CRC32C crc) {
    return b.length - p >= FRAME_HEADER && headerProblem(b, p, crc) == null
        && readInt(b, p) <= b.length - p - FRAME_HEADER && payloadIntact(b, p, crc);
  }

  /** The big-endian {@code int} at {@code b[at]}. */
  static int readInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  /** One frame as bytes. */
  static byte[] frame(byte type, byte[] payload) {
    FrameBuffer b = new FrameBuffer(FRAME_HEADER + payload.length);
    writeFrame(b, type, payload, new CRC32C());
    return b.toByteArray();
  }

  /** A growable byte buffer for batching frames. Not thread-safe. */
  static final class FrameBuffer {
    private byte[] buf;
    private int len;

    FrameBuffer(int capacity) {
      buf = new byte[capacity];
    }

    FrameBuffer putBytes(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
      return this;
    }

    FrameBuffer putInt(int v) {
      ensure(4);
      buf[len++] = (byte) (v >>> 24);
      buf[len++] = (byte) (v >>> 16);
      buf[len++] = (byte) (v >>> 8);
      buf[len++] = (byte) v;
      return this;
    }

    int length() {
      return len;
    }

    boolean isEmpty() {
      return len == 0;
    }

    void clear() {
      len = 0;
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(buf, len);
    }

    ByteBuffer asByteBuffer() {
      return ByteBuffer.wrap(buf, 0, len);
    }

    private void ensure(int n) {
      if (len + n > buf.length) {
        byte[] nb = new byte[Math.max(buf.length * 2, len + n)];
        System.arraycopy(buf, 0, nb, 0, len);
        buf = nb;
      }
    }
  }
}

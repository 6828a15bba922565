package dev.breakglass.core.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.zip.CRC32C;

/**
 * Reads the frames of one segment from a channel, checking each frame's header and payload CRC.
 * Streaming: memory is one buffer of a little more than the largest frame, whatever the segment size.
 *
 * <p>Not thread-safe.
 */
final class SegmentScanner {
  private final ReadableByteChannel in;
  private final CRC32C crc = new CRC32C();
  private byte[] buf;
  private int pos;
  private int lim;
  private long base;
  private boolean eof;

  private long frameOffset;
  private byte type;
  private int payloadOffset;
  private int payloadLength;

  SegmentScanner(ReadableByteChannel in, long startOffset) {
    this(in, startOffset, 256 * 1024);
  }

  SegmentScanner(ReadableByteChannel in, long startOffset, int initialBuffer) {
    this.in = in;
    this.base = startOffset;
    this.buf = new byte[initialBuffer];
  }

  /** A frame the scanner rejected; {@code partial} when the segment ended inside it. */
  static final class BadFrame extends Exception {
    private static final long serialVersionUID = 1L;
    final long offset;
    final boolean partial;

    BadFrame(long offset, String reason, boolean partial) {
      super(reason, null, false, false);
      this.offset = offset;
      this.partial = partial;
    }
  }

  /**
   * Moves to the next frame.
   *
   * @return false at the clean end of the segment
   * @throws BadFrame if the next frame is partial or damaged
   */
  boolean next() throws IOException, BadFrame {
    pos += payloadLength;
    payloadLength = 0;
    type = 0;
    frameOffset = base + pos;
    if (!fill(LogFormat.FRAME_HEADER)) {
      if (lim == pos) {
        return false;
      }
      throw new BadFrame(frameOffset, "segment ends inside a frame header", true);
    }
    String problem = LogFormat.headerProblem(buf, pos, crc);
    if (problem != null) {
      throw new BadFrame(frameOffset, problem, false);
    }
    int len = LogFormat.readInt(buf, pos);
    byte t = buf[pos + 4];
    if (!fill(LogFormat.FRAME_HEADER + len)) {
      throw new BadFrame(frameOffset, "segment ends inside a frame", true);
    }
    if (!LogFormat.payloadIntact(buf, pos, crc)) {
      throw new BadFrame(frameOffset, (t == LogFormat.RECORD ? "record" : "checkpoint")
          + " checksum mismatch", false);
    }
    type = t;
    payloadOffset = pos + LogFormat.FRAME_HEADER;
    payloadLength = len;
    pos += LogFormat.FRAME_HEADER;
    return true;
  }

  byte type() {
    return type;
  }

  /** The buffer holding the current payload; valid until the next call to {@link #next()}. */
  byte[] array() {
    return buf;
  }

  int payloadOffset() {
    return payloadOffset;
  }

  int payloadLength() {
    return payloadLength;
  }

  /** Offset of the current (or rejected) frame in the segment file. */
  long frameOffset() {
    return frameOffset;
  }

  /** Offset just past the current frame. */
  long endOffset() {
    return base + pos + payloadLength;
  }

  /** Makes {@code n} bytes available from {@code pos}; false if the channel ends first. */
  private boolean fill(int n) throws IOException {
    if (lim - pos >= n) {
      return true;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      lim -= pos;
      base += pos;
      pos = 0;
    }
    if (n > buf.length) {
      byte[] nb = new byte[Math.max(n, Math.min(buf.length * 2, LogFormat.MAX_PAYLOAD + LogFormat.FRAME_HEADER))];
      System.arraycopy(buf, 0, nb, 0, lim);
      buf = nb;
    }
    while (lim < n && !eof) {
      int r = in.read(ByteBuffer.wrap(buf, lim, buf.length - lim));
      if (r < 0) {
        eof = true;
      } else {
        lim += r;
      }
    }
    return lim >= n;
  }
}

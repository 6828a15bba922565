package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Frames come back whole and in place however the channel hands out its bytes. */
class SegmentScannerTest {
  static final long START = LogFormat.SEGMENT_HEADER;

  /** A channel that returns at most {@code chunk} bytes per read (0 now and then, as a slow pipe may). */
  static ReadableByteChannel trickle(byte[] bytes, int chunk) {
    return new ReadableByteChannel() {
      int at;
      int calls;

      @Override
      public int read(ByteBuffer dst) {
        if (at == bytes.length) {
          return -1;
        }
        if (++calls % 5 == 0) {
          return 0;
        }
        int n = Math.min(Math.min(chunk, dst.remaining()), bytes.length - at);
        dst.put(bytes, at, n);
        at += n;
        return n;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
  }

  record Frame(byte type, byte[] payload) {}

  static List<Frame> frames() {
    SplittableRandom r = new SplittableRandom(7);
    List<Frame> out = new ArrayList<>();
    for (int size : new int[] {0, 1, 12, 13, 100, 5000, 3, 70_000, 0, 255}) {
      byte[] p = new byte[size];
      for (int i = 0; i < size; i++) {
        p[i] = (byte) r.nextInt(256);
      }
      out.add(new Frame(out.size() % 3 == 0 ? LogFormat.CHECKPOINT : LogFormat.RECORD, p));
    }
    return out;
  }

  static byte[] concat(List<Frame> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    frames.forEach(f -> out.writeBytes(LogFormat.frame(f.type(), f.payload())));
    return out.toByteArray();
  }

  static List<Frame> scanAll(SegmentScanner s, List<long[]> places) throws Exception {
    List<Frame> out = new ArrayList<>();
    while (s.next()) {
      out.add(new Frame(s.type(), Arrays.copyOfRange(s.array(), s.payloadOffset(), s.payloadOffset() + s.payloadLength())));
      places.add(new long[] {s.frameOffset(), s.endOffset()});
    }
    return out;
  }

  @Test
  void framesAreReadWholeWithTheirOffsetsWhateverTheChunksAndBuffer() throws Exception {
    List<Frame> frames = frames();
    byte[] bytes = concat(frames);
    for (int chunk : new int[] {1, 3, 13, 4096, bytes.length}) {
      for (int buffer : new int[] {1, 16, 64 * 1024}) {
        List<long[]> places = new ArrayList<>();
        List<Frame> read = scanAll(new SegmentScanner(trickle(bytes, chunk), START, buffer), places);
        assertThat(read).as("chunk %d buffer %d", chunk, buffer).hasSize(frames.size());
        long offset = START;
        for (int i = 0; i < frames.size(); i++) {
          assertThat(read.get(i).type()).isEqualTo(frames.get(i).type());
          assertThat(read.get(i).payload()).isEqualTo(frames.get(i).payload());
          long end = offset + LogFormat.FRAME_HEADER + frames.get(i).payload().length;
          assertThat(places.get(i)).as("frame %d", i).containsExactly(offset, end);
          offset = end;
        }
      }
    }
  }

  @Test
  void anEmptySegmentEndsCleanly() throws Exception {
    SegmentScanner s = new SegmentScanner(trickle(new byte[0], 4), START, 8);
    assertThat(s.next()).isFalse();
    assertThat(s.frameOffset()).isEqualTo(START);
    assertThat(s.endOffset()).isEqualTo(START);
  }

  @Test
  void aSegmentCutInsideAFrameIsAPartialFrameAtThatFrame() throws Exception {
    List<Frame> frames = frames().subList(0, 4);
    byte[] bytes = concat(frames);
    long third = START + LogFormat.frame(frames.get(0).type(), frames.get(0).payload()).length
        + LogFormat.frame(frames.get(1).type(), frames.get(1).payload()).length;
    long fourth = third + LogFormat.FRAME_HEADER + frames.get(2).payload().length;
    int thirdAt = (int) (third - START);

    SegmentScanner header = new SegmentScanner(trickle(Arrays.copyOf(bytes, thirdAt + 5), 2), START, 4);
    assertThat(header.next()).isTrue();
    assertThat(header.next()).isTrue();
    SegmentScanner.BadFrame h = catchBad(header);
    assertThat(h.getMessage()).isEqualTo("segment ends inside a frame header");
    assertThat(h.partial).isTrue();
    assertThat(h.offset).isEqualTo(third);

    SegmentScanner body = new SegmentScanner(trickle(Arrays.copyOf(bytes, (int) (fourth - START) - 1), 3), START, 4);
    assertThat(body.next()).isTrue();
    assertThat(body.next()).isTrue();
    SegmentScanner.BadFrame b = catchBad(body);
    assertThat(b.getMessage()).isEqualTo("segment ends inside a frame");
    assertThat(b.partial).isTrue();
    assertThat(b.offset).isEqualTo(third);

    SegmentScanner exact = new SegmentScanner(trickle(Arrays.copyOf(bytes, (int) (fourth - START)), 3), START, 4);
    assertThat(scanAll(exact, new ArrayList<>())).hasSize(3);
  }

  @Test
  void aDamagedFrameIsNamedAndIsNotPartial() throws Exception {
    byte[] record = LogFormat.frame(LogFormat.RECORD, new byte[] {1, 2, 3});
    byte[] checkpoint = LogFormat.frame(LogFormat.CHECKPOINT, new byte[] {4, 5});
    byte[] r = record.clone();
    r[r.length - 1] ^= 1;
    assertBad(r, "record checksum mismatch");
    byte[] c = checkpoint.clone();
    c[c.length - 1] ^= 1;
    assertBad(c, "checkpoint checksum mismatch");
    byte[] h = record.clone();
    h[2] ^= 1;
    assertBad(h, "frame header checksum mismatch");
  }

  void assertBad(byte[] frame, String message) throws Exception {
    SegmentScanner s = new SegmentScanner(trickle(frame, 100), START, 64);
    SegmentScanner.BadFrame bad = catchBad(s);
    assertThat(bad.getMessage()).isEqualTo(message);
    assertThat(bad.partial).isFalse();
    assertThat(bad.offset).isEqualTo(START);
    assertThat(s.type()).isZero();
  }

  static SegmentScanner.BadFrame catchBad(SegmentScanner s) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(s::next);
    assertThat(t).isInstanceOf(SegmentScanner.BadFrame.class);
    return (SegmentScanner.BadFrame) t;
  }

  @Test
  void aReadErrorIsNotTurnedIntoAFrameProblem() {
    ReadableByteChannel broken = new ReadableByteChannel() {
      @Override
      public int read(ByteBuffer dst) throws IOException {
        throw new IOException("disk gone");
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
    assertThatThrownBy(() -> new SegmentScanner(broken, START).next()).isInstanceOf(IOException.class)
        .hasMessage("disk gone");
  }
}

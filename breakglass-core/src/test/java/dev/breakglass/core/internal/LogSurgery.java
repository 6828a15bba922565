package dev.breakglass.core.internal;

import dev.breakglass.core.audit.AuditSigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * What an attacker who can write the audit directory (but cannot read the signing key) does to a
 * segment file, written from the documented on-disk format alone: read the frames, change them,
 * and write them back with every CRC32C recomputed so that nothing looks damaged.
 */
final class LogSurgery {
  static final int SEGMENT_HEADER = 24;
  static final byte RECORD = 1;
  static final byte CHECKPOINT = 2;
  private static final Pattern SEQ = Pattern.compile("^\\{\"seq\":(\\d+),");

  private final byte[] header;
  final List<Frame> frames;

  /** One frame: its type and payload (the CRCs are recomputed on write). */
  record Frame(byte type, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    boolean isCheckpoint() {
      return type == CHECKPOINT;
    }
  }

  private LogSurgery(byte[] header, List<Frame> frames) {
    this.header = header;
    this.frames = frames;
  }

  static LogSurgery read(Path segment) {
    byte[] b;
    try {
      b = Files.readAllBytes(segment);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Frame> frames = new ArrayList<>();
    ByteBuffer buf = ByteBuffer.wrap(b);
    int p = SEGMENT_HEADER;
    while (p < b.length) {
      int len = buf.getInt(p);
      byte type = b[p + 4];
      frames.add(new Frame(type, Arrays.copyOfRange(b, p + 13, p + 13 + len)));
      p += 13 + len;
    }
    return new LogSurgery(Arrays.copyOf(b, SEGMENT_HEADER), frames);
  }

  /** The byte offset just after frame {@code i} (a clean cut there leaves frames 0..i). */
  long endOf(int i) {
    long p = SEGMENT_HEADER;
    for (int k = 0; k <= i; k++) {
      p += 13 + frames.get(k).payload().length;
    }
    return p;
  }

  int lastCheckpointIndex() {
    for (int i = frames.size() - 1; i >= 0; i--) {
      if (frames.get(i).isCheckpoint()) {
        return i;
      }
    }
    throw new AssertionError("no checkpoint in the segment");
  }

  List<Integer> checkpointIndexes() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).isCheckpoint()) {
        out.add(i);
      }
    }
    return out;
  }

  void dropCheckpoints() {
    frames.removeIf(Frame::isCheckpoint);
  }

  /** Sets every record's {@code seq} to its position, as after a record was removed. */
  void renumber() {
    long seq = 0;
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      if (f.type() == RECORD) {
        Matcher m = SEQ.matcher(f.text());
        if (!m.find()) {
          throw new AssertionError("record without seq: " + f.text());
        }
        frames.set(i, new Frame(RECORD, m.replaceFirst("{\"seq\":" + seq + ",").getBytes(StandardCharsets.UTF_8)));
        seq++;
      }
    }
  }

  /** Removes the first record whose JSON contains {@code marker}. */
  void removeRecord(String marker) {
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).type() == RECORD && frames.get(i).text().contains(marker)) {
        frames.remove(i);
        return;
      }
    }
    throw new AssertionError("no record contains " + marker);
  }

  /**
   * Re-signs every checkpoint with {@code key} (the attacker's own), keeping everything else in
   * its text: the body is every line before {@code signature}, and its {@code key} line names the
   * new key.
   */
  void resignCheckpoints(AuditSigningKey key) {
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      if (!f.isCheckpoint()) {
        continue;
      }
      String text = f.text();
      String body = text.substring(0, text.indexOf("signature "));
      body = body.replaceFirst("(?m)^key [0-9a-f]{16}$", "key " + key.keyId());
      byte[] sig = key.sign(body.getBytes(StandardCharsets.UTF_8));
      String signed = body + "signature " + Base64.getEncoder().encodeToString(sig) + "\n";
      frames.set(i, new Frame(CHECKPOINT, signed.getBytes(StandardCharsets.UTF_8)));
    }
  }

  void write(Path segment) {
    int size = header.length;
    for (Frame f : frames) {
      size += 13 + f.payload().length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(header);
    CRC32C crc = new CRC32C();
    for (Frame f : frames) {
      byte[] head = ByteBuffer.allocate(5).putInt(f.payload().length).put(f.type()).array();
      crc.reset();
      crc.update(head);
      int headCrc = (int) crc.getValue();
      crc.reset();
      crc.update(f.payload());
      out.put(head).putInt(headCrc).putInt((int) crc.getValue()).put(f.payload());
    }
    try {
      Files.write(segment, out.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

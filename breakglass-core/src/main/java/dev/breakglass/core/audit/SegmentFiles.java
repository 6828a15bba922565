package dev.breakglass.core.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The segment files of a log directory: creating a segment (durably, directory included), and
 * recovering the state to continue from when the log is opened, repairing a torn tail.
 */
final class SegmentFiles {
  private SegmentFiles() {}

  /** What opening found: the rebuilt tree and the segment to continue. */
  static final class Recovery {
    MerkleFrontier tree = new MerkleFrontier();
    Instant lastTime = Instant.MIN;
    @Nullable Checkpoint lastCheckpoint;
    /** The log id its checkpoints name; {@code null} for a new log or one written before log ids. */
    @Nullable String logId;
    /** Whether the log had no segment and a first one was created. */
    boolean created;
    @Nullable FileChannel channel;
    long segmentBytes;
    /** What a torn-tail repair discarded; {@code null} if the log opened clean. */
    @Nullable Map<String, String> repair;

    void closeQuietly() {
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // Already failing; the original error is what the caller needs.
      }
    }
  }

  /**
   * Creates the segment whose first record is {@code firstIndex}: header written and forced in a
   * temporary file, moved into place, directory forced. Returns it open for appending.
   */
  static FileChannel createSegment(FileChannelFactory channels, Path dir, long firstIndex) throws IOException {
    String name = LogFormat.segmentName(firstIndex);
    Path tmp = dir.resolve("." + name + ".tmp");
    Path target = dir.resolve(name);
    try (FileChannel c = channels.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer h = ByteBuffer.wrap(LogFormat.segmentHeader(firstIndex));
      while (h.hasRemaining()) {
        c.write(h);
      }
      c.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(dir);
    FileChannel ch = channels.open(target, StandardOpenOption.WRITE);
    ch.position(ch.size());
    return ch;
  }

  // The only directory fsync of the audit log: kept in this one method so a shared durable-file
  // helper can replace it.
  private static void forceDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** Deletes temporary segment files left by a crash during {@link #createSegment}. */
  static void deleteLeftovers(Path dir) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + LogFormat.SEGMENT_PREFIX + "*.tmp")) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Reads every segment once to rebuild the tree and check every frame and every rule of
   * {@code trust}, then truncates a torn tail and opens the last segment (or a new first one) for
   * appending. Nothing is changed on disk unless every check passes.
   *
   * @throws AuditLogRefusedException if a rule of {@code trust} does not hold
   * @throws AuditLogCorruptException if the log is damaged anywhere but its tail
   */
  static Recovery recover(Path dir, FileChannelFactory channels, TrustOnOpen trust) throws IOException {
    Recovery r = new Recovery();
    var sources = LogScanner.segmentsOf(dir);
    if (sources.isEmpty()) {
      trust.finished(0, LogFormat.segmentName(0), 0);
      r.channel = createSegment(channels, dir, 0);
      r.segmentBytes = LogFormat.SEGMENT_HEADER;
      r.created = true;
      return r;
    }
    Path last = dir.resolve(sources.get(sources.size() - 1).name());
    LogScanner s = new LogScanner(sources).checkedBy(trust.chain());
    AuditLogCorruptException torn = null;
    try (s) {
      trust.started(s);
      while (s.next()) {
        trust.afterFrame(s);
        if (s.checkpoint() != null) {
          r.lastCheckpoint = s.checkpoint();
        }
      }
    } catch (AuditLogRefusedException e) {
      throw e;
    } catch (AuditLogCorruptException e) {
      if (!e.segment().equals(last.getFileName().toString()) || e.byteOffset() < LogFormat.SEGMENT_HEADER
          || !isTornTail(last, e.byteOffset())) {
        throw e;
      }
      torn = e;
    }
    trust.finished(s.frontier().size(), last.getFileName().toString(),
        torn != null ? torn.byteOffset() : Files.size(last));
    if (torn != null) {
      long size = Files.size(last);
      r.repair = new LinkedHashMap<>();
      r.repair.put("segment", torn.segment());
      r.repair.put("offset", Long.toString(torn.byteOffset()));
      r.repair.put("discardedBytes", Long.toString(size - torn.byteOffset()));
      r.repair.put("problem", torn.problem());
      r.repair.put("firstLostIndex", Long.toString(torn.recordIndex()));
      try (FileChannel t = channels.open(last, StandardOpenOption.WRITE)) {
        t.truncate(torn.byteOffset());
        t.force(true);
      }
    }
    if (s.frontier().size() > 0) {
      r.lastTime = Instant.ofEpochSecond(s.recordSecond(), s.recordNano());
    }
    r.tree = s.frontier();
    r.logId = trust.chain().logId();
    FileChannel ch = channels.open(last, StandardOpenOption.WRITE);
    r.channel = ch;
    r.segmentBytes = ch.size();
    ch.position(r.segmentBytes);
    return r;
  }

  /**
   * Whether the bad frame at {@code offset} is a torn write: the frame itself is not intact, and no
   * intact frame starts anywhere after it. Anything intact after the damage means the damage is not
   * at the tail, and repairing it would silently drop records.
   */
  static boolean isTornTail(Path segment, long offset) throws IOException {
    long size = Files.size(segment);
    if (size - offset > Integer.MAX_VALUE - 64) {
      return false;
    }
    byte[] rest = new byte[(int) (size - offset)];
    try (FileChannel c = FileChannel.open(segment, StandardOpenOption.READ)) {
      ByteBuffer bb = ByteBuffer.wrap(rest);
      long pos = offset;
      while (bb.hasRemaining()) {
        int n = c.read(bb, pos);
        if (n < 0) {
          return false;
        }
        pos += n;
      }
    }
    CRC32C crc = new CRC32C();
    for (int p = 0; p < rest.length; p++) {
      if (LogFormat.intactFrameAt(rest, p, crc)) {
        return false;
      }
    }
    return true;
  }
}

package dev.breakglass.core.audit;

import dev.breakglass.AuditEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@link TamperEvidentAuditLog} directory record by record, in order, checking frames,
 * checksums, sequence numbers, times and checkpoint roots as it goes (but not signatures: that is
 * {@link AuditLogVerifier}'s job). Streaming: memory stays flat however long the log.
 *
 * <p>Every malformed input, whatever it is, ends in an {@link AuditLogCorruptException} naming the
 * record index and byte offset; I/O errors are {@link java.io.UncheckedIOException}s. Safe to use
 * while the log is being appended to (it reads what was durable when each segment was opened). Not
 * thread-safe.
 */
public final class AuditLogReader implements AutoCloseable {
  private final LogScanner scanner;

  private AuditLogReader(LogScanner scanner) {
    this.scanner = scanner;
  }

  /** A reader positioned before the first entry of the log in {@code directory}. */
  public static AuditLogReader open(Path directory) {
    return new AuditLogReader(LogScanner.of(directory));
  }

  static AuditLogReader over(List<LogScanner.Source> segments) {
    return new AuditLogReader(new LogScanner(segments));
  }

  /** One entry of the log. */
  public sealed interface Entry permits RecordEntry, CheckpointEntry {
    /** File name of the segment holding the entry. */
    String segment();

    /** Byte offset of the entry's frame in its segment. */
    long offset();
  }

  /**
   * A record: its sequence number (= Merkle leaf index), decoded event, and canonical bytes (the
   * leaf).
   */
  public record RecordEntry(long index, AuditEvent event, byte[] canonical, String segment, long offset)
      implements Entry {
    public RecordEntry {
      canonical = canonical.clone();
    }

    @Override
    public byte[] canonical() {
      return canonical.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RecordEntry r && index == r.index && Arrays.equals(canonical, r.canonical)
          && segment.equals(r.segment) && offset == r.offset;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(index) * 31 + Arrays.hashCode(canonical);
    }
  }

  /** A signed checkpoint, placed right after the last record it covers. */
  public record CheckpointEntry(Checkpoint checkpoint, String segment, long offset) implements Entry {}

  /**
   * The next entry, or {@code null} after the last one.
   *
   * @throws AuditLogCorruptException at the first damaged or out-of-place entry
   */
  public @Nullable Entry next() {
    if (!scanner.next()) {
      return null;
    }
    if (!scanner.isRecord()) {
      return new CheckpointEntry(scanner.checkpoint(), scanner.segment(), scanner.frameOffset());
    }
    byte[] b = Arrays.copyOfRange(scanner.array(), scanner.payloadOffset(),
        scanner.payloadOffset() + scanner.payloadLength());
    return new RecordEntry(scanner.recordIndex(), decodeCanonical(b), b, scanner.segment(),
        scanner.frameOffset());
  }

  /**
   * Decodes a record and checks that it is in canonical form.
   *
   * @throws AuditLogCorruptException if it is not
   */
  private AuditEvent decodeCanonical(byte[] b) {
    AuditEventCodec.Decoded d;
    try {
      d = AuditEventCodec.decode(b);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new AuditLogCorruptException(scanner.recordIndex(), scanner.segment(), scanner.frameOffset(),
          "undecodable record: " + e.getMessage());
    }
    if (!Arrays.equals(AuditEventCodec.encode(d.seq(), d.event(), d.instance()), b)) {
      throw new AuditLogCorruptException(scanner.recordIndex(), scanner.segment(), scanner.frameOffset(),
          "record is not in canonical form");
    }
    return d.event();
  }

  /**
   * Every event of the log, in order (held in memory: for tests and small logs).
   *
   * @throws AuditLogCorruptException if the log is damaged
   */
  public static List<AuditEvent> readEvents(Path directory) {
    List<AuditEvent> out = new ArrayList<>();
    try (AuditLogReader r = open(directory)) {
      for (Entry e = r.next(); e != null; e = r.next()) {
        if (e instanceof RecordEntry rec) {
          out.add(rec.event());
        }
      }
    }
    return out;
  }

  /**
   * Hands the events at positions {@code from} (inclusive) to {@code end} (exclusive) to {@code each}, in order.
   *
   * @throws AuditLogCorruptException if the log is damaged
   */
  public static void forEachEvent(Path directory, long from, long end, Consumer<AuditEvent> each) {
    try (AuditLogReader r = open(directory)) {
      r.forEachEvent(from, end, each);
    }
  }

  /**
   * {@link #forEachEvent(Path, long, long, Consumer)} for a log that was verified whole when it was
   * opened (see {@link LogScanner#tailOf}): reading starts at the segment holding {@code from}.
   */
  static void forEachEventOfVerifiedLog(Path directory, long from, long end, Consumer<AuditEvent> each) {
    try (AuditLogReader r = new AuditLogReader(LogScanner.tailOf(directory, from))) {
      r.forEachEvent(from, end, each);
    }
  }

  /**
   * Records before {@code from} are still framed, checksummed, sequenced and hashed into the tree (so
   * damage anywhere is still found), but not decoded: an engine that starts on a long log decodes only
   * the records it cross-checks.
   */
  private void forEachEvent(long from, long end, Consumer<AuditEvent> each) {
    while (scanner.next()) {
      if (!scanner.isRecord() || scanner.recordIndex() < from) {
        continue;
      }
      if (scanner.recordIndex() >= end) {
        return;
      }
      each.accept(decodeCanonical(Arrays.copyOfRange(scanner.array(), scanner.payloadOffset(),
          scanner.payloadOffset() + scanner.payloadLength())));
    }
  }

  @Override
  public void close() {
    scanner.close();
  }
}

package dev.breakglass.core.audit;

import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Writes records and checkpoints kept somewhere else (a database) as a log directory in the file
 * format of {@link TamperEvidentAuditLog}, so that {@link AuditLogVerifier}, {@link AuditLogReader}
 * and {@code breakglass verify} check it offline exactly like a log written to disk.
 *
 * <p>Give the entries in log order: records by sequence number from 0 without gaps, each checkpoint
 * directly after the last record it covers (a checkpoint of zero records first). Nothing is checked
 * here: the verifier does that on the result. The directory must be empty or missing; everything is
 * written to one segment and forced to disk by {@link #close()}.
 *
 * <pre>{@code
 * try (AuditLogExport out = AuditLogExport.create(Path.of("/tmp/audit-export"))) {
 *   out.checkpoint(first);
 *   out.record(canonicalRecordBytes);
 *   out.checkpoint(latest);
 * }
 * AuditLogVerifier.of(publicKey).verify(Path.of("/tmp/audit-export"));
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class AuditLogExport implements AutoCloseable {
  private final Path dir;
  private final FileChannel channel;
  private final LogFormat.FrameBuffer buffer = new LogFormat.FrameBuffer(1 << 16);
  private final CRC32C crc = new CRC32C();
  private boolean closed;

  private AuditLogExport(Path dir, FileChannel channel) {
    this.dir = dir;
    this.channel = channel;
  }

  /**
   * Starts an export into {@code directory} (created if missing).
   *
   * @throws IllegalArgumentException if the directory exists and is not empty
   * @throws UncheckedIOException if it cannot be created or written
   */
  public static AuditLogExport create(Path directory) {
    Path dir = Objects.requireNonNull(directory, "directory").toAbsolutePath();
    try {
      DurableFiles.createPrivateDirectories(dir);
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException("export directory " + dir + " is not empty: give a new or empty one");
        }
      }
      return new AuditLogExport(dir, SegmentFiles.createSegment(FileChannelFactory.DEFAULT, dir, 0));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create export directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Appends a record: its canonical bytes as the log holds them ({@link AuditEventCodec}). */
  public void record(byte[] canonical) {
    frame(LogFormat.RECORD, canonical);
  }

  /** Appends a checkpoint; it must directly follow the last record it covers. */
  public void checkpoint(Checkpoint checkpoint) {
    frame(LogFormat.CHECKPOINT, checkpoint.toText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The directory being written. */
  public Path directory() {
    return dir;
  }

  private void frame(byte type, byte[] payload) {
    if (closed) {
      throw new IllegalStateException("export to " + dir + " is closed");
    }
    if (payload.length > LogFormat.MAX_PAYLOAD) {
      throw new IllegalArgumentException("entry of " + payload.length + " bytes exceeds the log's limit of "
          + LogFormat.MAX_PAYLOAD);
    }
    LogFormat.writeFrame(buffer, type, payload, crc);
    if (buffer.length() >= 1 << 16) {
      flush();
    }
  }

  private void flush() {
    try {
      ByteBuffer b = buffer.asByteBuffer();
      while (b.hasRemaining()) {
        channel.write(b);
      }
      buffer.clear();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write export " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Writes what is buffered and forces it to disk. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    flush();
    closed = true;
    try (FileChannel c = channel) {
      c.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot finish export " + dir + ": " + e.getMessage(), e);
    }
  }
}

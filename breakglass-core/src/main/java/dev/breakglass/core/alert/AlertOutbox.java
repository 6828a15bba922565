package dev.breakglass.core.alert;

import dev.breakglass.core.durable.SyncScope;
import dev.breakglass.core.durable.Uninterruptible;
import dev.breakglass.spi.files.DurableFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files behind {@link OutboxAlertDispatcher}: a directory of numbered segments
 * ({@code alerts-000001.jsonl}, ...) of newline-terminated records, appended and forced to disk one
 * record at a time. Compaction writes the live records to the next segment through {@link
 * DurableFiles#write} (temporary file, fsync, atomic rename, directory fsync) before the older
 * segments are deleted,
 * so a crash at any point leaves either the old records or the new ones, possibly both; replaying
 * both is harmless because records are idempotent.
 *
 * <p>Not thread-safe: the dispatcher serializes every call under its own lock.
 */
final class AlertOutbox implements AutoCloseable {
  private static final Pattern SEGMENT = Pattern.compile("alerts-(\\d{6,})\\.jsonl");

  private final Path directory;
  private long generation;
  private volatile FileChannel channel;
  private long size;

  private AlertOutbox(Path directory, long generation, FileChannel channel, long size) {
    this.directory = directory;
    this.generation = generation;
    this.channel = channel;
    this.size = size;
  }

  /** What {@link #open} found: the outbox, ready for appends, and every record in file order. */
  record Loaded(AlertOutbox outbox, List<String> records) {}

  /**
   * Opens (creating if needed) the outbox in {@code directory} and reads every segment. A last
   * record cut short by a crash (no final line break) is dropped: it was never acknowledged.
   *
   * @throws UncheckedIOException if the directory or a segment cannot be read or created
   */
  static Loaded open(Path directory) {
    try {
      DurableFiles.createPrivateDirectories(directory);
      TreeMap<Long, Path> segments = new TreeMap<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          Matcher m = SEGMENT.matcher(name);
          if (m.matches()) {
            segments.put(Long.parseLong(m.group(1)), file);
          } else if ((name.startsWith("alerts-") || name.startsWith(".alerts-")) && name.endsWith(".tmp")) {
            // a compaction that crashed before its rename: the older segments are still complete
            Files.deleteIfExists(file);
          }
        }
      }
      List<String> records = new ArrayList<>();
      for (Path segment : segments.values()) {
        readSegment(segment, records);
      }
      long generation = segments.isEmpty() ? 1 : segments.lastKey();
      Path active = segmentPath(directory, generation);
      boolean created = !Files.exists(active);
      FileChannel ch = DurableFiles.openPrivate(active, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (created) {
        DurableFiles.fsyncDirectory(directory);
      }
      long size = ch.size();
      long end = completeLength(active);
      if (end < size) {
        ch.truncate(end);
        ch.force(false);
        size = end;
      }
      ch.position(size);
      return new Loaded(new AlertOutbox(directory, generation, ch, size), records);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open alert outbox " + directory + ": " + e.getMessage(), e);
    }
  }

  private static void readSegment(Path segment, List<String> into) throws IOException {
    byte[] bytes = Files.readAllBytes(segment);
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        if (i > start) {
          into.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
  }

  /** The length of the file up to and including its last line break. */
  private static long completeLength(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    byte[] bytes = Files.readAllBytes(file);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    return end;
  }

  /** Appends one record and forces it to disk before returning (or, inside a {@link SyncScope}, before the operation returns). */
  void append(byte[] record) {
    write(record);
    if (!SyncScope.defer(this, this::force)) {
      force();
    }
  }

  /**
   * Appends one record without forcing it: it becomes durable with the next forced append, or at
   * {@link #close}. For records whose loss in a crash is harmless (a delivery outcome: the alert is
   * then delivered again under the same id).
   */
  void appendUnforced(byte[] record) {
    write(record);
  }

  private void write(byte[] record) {
    ByteBuffer buf = ByteBuffer.allocate(record.length + 1).put(record).put((byte) '\n').flip();
    try {
      Uninterruptible.io(() -> {
        while (buf.hasRemaining()) {
          channel.write(buf);
        }
        return null;
      });
      size += record.length + 1;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write alert outbox " + directory + ": " + e.getMessage(), e);
    }
  }

  /**
   * Forces what was appended so far (an append deferred by {@link SyncScope}). A segment closed since
   * then was either replaced by {@link #rewrite}, which wrote every record durably, or closed by
   * {@link #close}, which forces first.
   */
  private void force() {
    try {
      Uninterruptible.io(() -> {
        channel.force(false);
        return null;
      });
    } catch (ClosedByInterruptException e) {
      // closed by an interrupt during this very force: nothing says the records reached the disk
      throw new UncheckedIOException("cannot force alert outbox " + directory + ": interrupted", e);
    } catch (ClosedChannelException e) {
      // see above: nothing left to force
    } catch (IOException e) {
      throw new UncheckedIOException("cannot force alert outbox " + directory + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the outbox content with {@code records}: writes them to the next segment, makes it
   * durable, switches appends to it, and deletes the older segments.
   */
  void rewrite(List<byte[]> records) {
    long next = generation + 1;
    Path target = segmentPath(directory, next);
    try {
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      for (byte[] record : records) {
        content.write(record);
        content.write('\n');
      }
      long written = content.size();
      DurableFiles.write(target, content.toByteArray());
      FileChannel newChannel = FileChannel.open(target, StandardOpenOption.WRITE);
      newChannel.position(written);
      FileChannel old = channel;
      channel = newChannel;
      size = written;
      generation = next;
      old.close();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
        for (Path file : files) {
          Matcher m = SEGMENT.matcher(file.getFileName().toString());
          if (m.matches() && Long.parseLong(m.group(1)) < next) {
            Files.deleteIfExists(file);
          }
        }
      }
      DurableFiles.fsyncDirectory(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compact alert outbox " + directory + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code lines} durably to a new owner-only file in {@code quarantine/} and returns it: the
   * refused lines are kept for investigation, outside the segments that are replayed.
   */
  Path quarantine(List<String> lines, Instant now) {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    Path dir = directory.resolve("quarantine");
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(now);
    try {
      DurableFiles.createPrivateDirectories(dir);
      Path file = dir.resolve("refused-" + stamp + "-g" + generation + ".jsonl");
      for (int n = 2; Files.exists(file); n++) {
        file = dir.resolve("refused-" + stamp + "-g" + generation + "-" + n + ".jsonl");
      }
      DurableFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
      DurableFiles.fsyncDirectory(directory);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot quarantine refused alert outbox lines in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Bytes in the active segment. */
  long size() {
    return size;
  }

  Path directory() {
    return directory;
  }

  /** Number of segment files present (for tests and diagnostics). */
  long segmentCount() {
    try (var files = Files.list(directory)) {
      return files.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches()).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path segmentPath(Path directory, long generation) {
    return directory.resolve(String.format("alerts-%06d.jsonl", generation));
  }

  @Override
  public void close() {
    try {
      if (channel.isOpen()) {
        channel.force(false);
      }
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

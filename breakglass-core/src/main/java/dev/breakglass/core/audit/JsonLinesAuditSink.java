package dev.breakglass.core.audit;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditSink;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.spi.ReadableAuditSink;
import dev.breakglass.spi.files.DurableFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An append-only audit file of JSON lines (one {@link AuditEventCodec canonical} event per line).
 * {@link #append} returns only after the line is forced to disk. Appends are serialized; the file
 * is opened in append mode and never rewritten.
 *
 * <p>Simple and durable, but not tamper-evident: use {@code TamperEvidentAuditLog} where reviewers
 * must be able to prove the log was not rewritten. Readable back ({@link ReadableAuditSink}), so the
 * engine cross-checks its state store against it at start. Thread-safe.
 */
public final class JsonLinesAuditSink implements ReadableAuditSink {
  private final Path file;
  private final FileChannel channel;
  private long nextSeq;
  private boolean closed;

  private JsonLinesAuditSink(Path file, FileChannel channel, long nextSeq) {
    this.file = file;
    this.channel = channel;
    this.nextSeq = nextSeq;
  }

  /**
   * Opens (or creates) the file and continues its sequence numbers.
   *
   * @throws AuditUnavailableException if the file cannot be opened or its last line is unreadable
   */
  public static JsonLinesAuditSink open(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        DurableFiles.createPrivateDirectories(parent);
      }
      long next = Files.exists(file) ? read(file).size() : 0;
      FileChannel ch = DurableFiles.openPrivate(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      return new JsonLinesAuditSink(file, ch, next);
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      throw new AuditUnavailableException("cannot open audit file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void append(AuditEvent event) {
    if (closed) {
      throw new AuditUnavailableException("audit file " + file + " is closed");
    }
    byte[] json = AuditEventCodec.encode(nextSeq, event);
    ByteBuffer buf = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
    try {
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(false);
      nextSeq++;
    } catch (IOException e) {
      throw new AuditUnavailableException("cannot write audit file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads every event of a JSON-lines audit file, in order.
   *
   * @throws IllegalArgumentException naming the line that cannot be decoded
   */
  public static List<AuditEventCodec.Decoded> read(Path file) {
    List<AuditEventCodec.Decoded> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(AuditEventCodec.decode(line.getBytes(StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file + ":" + n + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** {@inheritDoc} Every append is forced before it returns, so this counts every line appended. */
  @Override
  public synchronized long durableSize() {
    return nextSeq;
  }

  /** {@inheritDoc} The records are the file's lines, by their sequence numbers. */
  @Override
  public void read(long from, Consumer<AuditEvent> each) {
    if (from < 0) {
      throw new IllegalArgumentException("from must not be negative, was " + from);
    }
    long end = durableSize();
    List<AuditEventCodec.Decoded> all = read(file);
    for (int i = (int) Math.min(from, all.size()); i < Math.min(end, all.size()); i++) {
      each.accept(all.get(i).event());
    }
  }

  /** The file this sink appends to. */
  public Path file() {
    return file;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

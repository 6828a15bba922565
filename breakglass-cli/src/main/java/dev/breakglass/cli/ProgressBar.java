package dev.breakglass.cli;

import dev.breakglass.core.audit.AuditLogVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A one-line progress bar on standard error while a log is verified, by bytes read: redrawn in
 * place at most ten times a second, and erased when done. Only used when a person is watching
 * (a console is attached), so scripts and pipes never see it.
 */
final class ProgressBar implements AuditLogVerifier.Progress {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintStream err;
  private final Map<String, Long> segmentStart = new TreeMap<>();
  private final Map<String, Long> segmentSize = new TreeMap<>();
  private final long total;
  private long lastDraw;
  private boolean drawn;

  private ProgressBar(PrintStream err, Map<String, Long> sizes) {
    this.err = err;
    long at = 0;
    for (Map.Entry<String, Long> e : sizes.entrySet()) {
      segmentStart.put(e.getKey(), at);
      segmentSize.put(e.getKey(), e.getValue());
      at += e.getValue();
    }
    this.total = Math.max(1, at);
  }

  static ProgressBar forLog(Path dir, PrintStream err) {
    Map<String, Long> sizes = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (name.endsWith(".bgaudit")) {
          sizes.put(name, Files.size(p));
        }
      }
    } catch (IOException e) {
      // No sizes, no bar: verification itself reports an unreadable directory.
    }
    return new ProgressBar(err, sizes);
  }

  @Override
  public void progress(long records, String segment, long byteOffset) {
    long now = System.nanoTime();
    if (drawn && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    long size = segmentSize.getOrDefault(segment, 0L);
    long done = segmentStart.getOrDefault(segment, 0L) + Math.min(byteOffset, size);
    draw(records, (int) Math.min(100, done * 100 / total));
  }

  private void draw(long records, int percent) {
    int filled = percent * WIDTH / 100;
    err.print(String.format(Locale.ROOT, "\rverifying [%s%s] %3d%%  %,d records", "#".repeat(filled),
        ".".repeat(WIDTH - filled), percent, records));
    err.flush();
    drawn = true;
  }

  /** Erases the bar, leaving the line clean for the outcome. */
  void done() {
    if (drawn) {
      err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
      err.flush();
    }
  }
}

package dev.breakglass.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Counts this process's open file descriptors under a directory (Linux {@code /proc}), to show nothing leaks. */
public final class OpenFiles {
  private OpenFiles() {}

  /** Open descriptors of this process whose file lies under {@code dir}. */
  public static long under(Path dir) {
    long n = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      Path real = dir.toRealPath();
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          if (Files.readSymbolicLink(fd).startsWith(real)) {
            n++;
          }
        } catch (IOException gone) {
          // the listing's own descriptor, closed meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n;
  }
}

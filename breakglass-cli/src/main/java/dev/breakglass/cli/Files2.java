package dev.breakglass.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** File checks with messages that name the file and what it was meant to be. */
final class Files2 {
  private Files2() {}

  static Path requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(what + " file " + file + " does not exist or is not a file");
    }
    return file;
  }

  static String readText(Path file, String what) {
    try {
      return Files.readString(requireFile(file, what), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + " file " + file, e);
    }
  }
}

package dev.breakglass.postgresql;

import dev.breakglass.spi.SecretFiles;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Where the admin password comes from: an environment variable or a file, read again for every
 * admin connection so that the admin password itself can be rotated without a restart. Never a
 * configuration property. Thread-safe.
 */
final class AdminPassword {

  private AdminPassword() {}

  /** Reads the environment variable {@code name} through {@code env} each time. */
  static Supplier<char[]> fromEnv(String name, Function<String, @Nullable String> env) {
    return () -> {
      String value = env.apply(name);
      if (value == null || value.isEmpty()) {
        throw new IllegalStateException("the environment variable " + name
            + " that should hold the PostgreSQL admin password is not set or empty");
      }
      return value.toCharArray();
    };
  }

  /**
   * Reads the file at {@code path} each time: its content as UTF-8, without one trailing line
   * break. A file other users may access is refused at every read ({@link SecretFiles}).
   */
  static Supplier<char[]> fromFile(Path path) {
    return () -> read(path);
  }

  private static char[] read(Path path) {
    try {
      return SecretFiles.read(path, "PostgreSQL admin password");
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}

package dev.breakglass.postgresql;

import dev.breakglass.spi.SecretFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the admin password comes from: an environment variable or a file, read again for every
 * admin connection so that the admin password itself can be rotated without a restart. Never a
 * configuration property. Thread-safe.
 */
final class AdminPassword {
  private static final Logger LOG = LoggerFactory.getLogger(AdminPassword.class);

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
   * break. Warns once if others may read the file.
   */
  static Supplier<char[]> fromFile(Path path) {
    warnIfReadableByOthers(path);
    return () -> read(path);
  }

  private static char[] read(Path path) {
    try {
      return SecretFiles.read(path, "PostgreSQL admin password");
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static void warnIfReadableByOthers(Path path) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
      if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
        LOG.warn("the PostgreSQL admin password file {} is readable by every user of this machine; "
            + "restrict it (chmod 600 or 640)", path);
      }
    } catch (UnsupportedOperationException | IOException e) {
      // No POSIX permissions here (or no file yet): the first read reports a missing file clearly.
    }
  }
}

package dev.breakglass.postgresql;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
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
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the PostgreSQL admin password file " + path + ": "
          + e.getClass().getSimpleName(), e);
    }
    CharBuffer chars = null;
    try {
      chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      int end = chars.limit();
      if (end > 0 && chars.get(end - 1) == '\n') {
        end--;
        if (end > 0 && chars.get(end - 1) == '\r') {
          end--;
        }
      }
      if (end == 0) {
        throw new IllegalStateException("the PostgreSQL admin password file " + path + " is empty");
      }
      char[] password = new char[end];
      chars.get(0, password, 0, end);
      return password;
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("the PostgreSQL admin password file " + path + " is not valid UTF-8", e);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (chars != null && chars.hasArray()) {
        Arrays.fill(chars.array(), '\0');
      }
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

package dev.breakglass.spi;

import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads a secret (a password, a passphrase, a key) kept in a file: UTF-8 text whose trailing line
 * breaks are not part of the secret. For {@link ProviderContext#secret} and for tools that take
 * secrets from files.
 *
 * <p>On POSIX file systems a secret file must be owner-only: a file that its group or other users
 * may read, write or execute is refused before it is read, and the message names the file and the
 * fix ({@code chmod 600 <file>}). Messages name the file and what it should hold, never its
 * content; every intermediate copy is wiped. Stateless and thread-safe.
 */
public final class SecretFiles {
  private static final Set<PosixFilePermission> OWNER = EnumSet.of(PosixFilePermission.OWNER_READ,
      PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

  private SecretFiles() {}

  /**
   * The secret in {@code file}; the caller owns the array and wipes it.
   *
   * @param file the secret file; must be owner-only on POSIX file systems
   * @param what what the file holds, for messages ("passphrase", "SMTP password")
   * @return the secret, UTF-8 decoded, trailing line breaks dropped
   * @throws IllegalArgumentException if the file is missing, unreadable, not owner-only, not UTF-8
   *     or empty; the message names {@code what} and the file
   */
  public static char[] read(Path file, String what) {
    byte[] bytes;
    try {
      checkOwnerOnly(file, what);
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the " + what + " file " + file + " ("
          + e.getClass().getSimpleName() + ")", e);
    }
    try {
      return decode(bytes, "the " + what + " file " + file);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * Refuses a secret file that anyone but its owner may access (POSIX file systems only; elsewhere
   * the file system's own access control applies).
   *
   * @param file the secret file
   * @param what what the file holds, for messages
   * @throws IllegalArgumentException naming the file, its permissions and {@code chmod 600 <file>}
   * @throws IOException if the permissions cannot be read (a missing file, say)
   */
  public static void checkOwnerOnly(Path file, String what) throws IOException {
    if (!DurableFiles.isPosix(file)) {
      return;
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    for (PosixFilePermission p : perms) {
      if (!OWNER.contains(p)) {
        throw new IllegalArgumentException("the " + what + " file " + file + " may be accessed by other users ("
            + PosixFilePermissions.toString(perms) + "); make it owner-only: chmod 600 " + file);
      }
    }
  }

  /**
   * The secret in {@code bytes} (UTF-8, trailing line breaks dropped), for secrets read from a
   * stream; the caller keeps and wipes {@code bytes} and owns the returned array.
   *
   * @param bytes the raw bytes
   * @param source where the bytes came from, for messages ("standard input")
   * @return the decoded secret
   * @throws IllegalArgumentException if the bytes are not UTF-8 or hold nothing but line breaks
   */
  public static char[] decode(byte[] bytes, String source) {
    CharBuffer chars = null;
    try {
      chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      int end = chars.limit();
      while (end > 0 && (chars.get(end - 1) == '\n' || chars.get(end - 1) == '\r')) {
        end--;
      }
      if (end == 0) {
        throw new IllegalArgumentException(source + " is empty");
      }
      char[] out = new char[end];
      chars.get(0, out, 0, end);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(source + " is not UTF-8 text");
    } finally {
      if (chars != null && chars.hasArray()) {
        Arrays.fill(chars.array(), '\0');
      }
    }
  }
}

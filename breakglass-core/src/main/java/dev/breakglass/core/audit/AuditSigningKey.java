package dev.breakglass.core.audit;

import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The Ed25519 key that signs an audit log's {@link Checkpoint checkpoints}. Generate one, or let
 * {@link #loadOrCreate} keep it in a file that only its owner can read; hand
 * {@link #publicKey()} to reviewers.
 *
 * <p>Key file format (owner read/write only on POSIX file systems; {@link #load} refuses a file that
 * group or others can read):
 *
 * <pre>
 * breakglass-audit-signing-key v1
 * &lt;base64 of the 32-byte Ed25519 private key&gt;
 * </pre>
 *
 * <p>The private key never appears in {@link #toString()}, logs or exception messages; transient
 * copies made while loading are wiped. Thread-safe.
 */
public final class AuditSigningKey {
  static final String HEADER = "breakglass-audit-signing-key v1";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private final Ed25519PrivateKeyParameters key;
  private final AuditPublicKey publicKey;

  private AuditSigningKey(Ed25519PrivateKeyParameters key) {
    this.key = key;
    this.publicKey = AuditPublicKey.fromRaw(key.generatePublicKey().getEncoded());
  }

  /** A fresh random key. */
  public static AuditSigningKey generate() {
    return new AuditSigningKey(new Ed25519PrivateKeyParameters(new SecureRandom()));
  }

  /**
   * A key from its raw 32-byte private encoding. The array is not kept; the caller wipes it.
   *
   * @throws IllegalArgumentException if it is not 32 bytes
   */
  public static AuditSigningKey fromRaw(byte[] raw) {
    if (raw.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException(
          "an Ed25519 private key has 32 bytes, this one has " + raw.length);
    }
    return new AuditSigningKey(new Ed25519PrivateKeyParameters(raw, 0));
  }

  /**
   * Loads the key in {@code file}, or, if the file does not exist, generates one and writes it there
   * with owner-only permissions (atomically: a concurrent or interrupted creation never leaves a
   * partial key file).
   *
   * @throws IllegalArgumentException if the file exists but is not a valid key file, or is readable
   *     by group or others
   * @throws UncheckedIOException if the file cannot be read or written
   */
  public static AuditSigningKey loadOrCreate(Path file) {
    if (Files.exists(file)) {
      return load(file);
    }
    AuditSigningKey k = generate();
    try {
      k.writeNew(file);
    } catch (FileAlreadyExistsException e) {
      return load(file);
    }
    return k;
  }

  /**
   * Loads a key file.
   *
   * @throws IllegalArgumentException if the file is not a valid key file or is readable by group or
   *     others
   */
  public static AuditSigningKey load(Path file) {
    checkOwnerOnly(file);
    byte[] bytes = null;
    byte[] raw = null;
    char[] chars = null;
    try {
      bytes = Files.readAllBytes(file);
      CharBuffer cb = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
      chars = new char[cb.remaining()];
      cb.get(chars);
      Arrays.fill(cb.array(), '\0');
      int nl = indexOf(chars, '\n', 0);
      if (nl < 0 || !new String(chars, 0, nl).strip().equals(HEADER)) {
        throw new IllegalArgumentException(file + ": not a breakglass audit signing key (expected first line '"
            + HEADER + "')");
      }
      int end = chars.length;
      while (end > nl + 1 && Character.isWhitespace(chars[end - 1])) {
        end--;
      }
      byte[] b64 = new byte[end - nl - 1];
      for (int i = 0; i < b64.length; i++) {
        b64[i] = (byte) chars[nl + 1 + i];
      }
      try {
        raw = Base64.getDecoder().decode(b64);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": audit signing key is not valid base64");
      } finally {
        Arrays.fill(b64, (byte) 0);
      }
      if (raw.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
        throw new IllegalArgumentException(file + ": audit signing key must hold 32 bytes, holds " + raw.length);
      }
      return fromRaw(raw);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read audit signing key " + file, e);
    } finally {
      wipe(bytes);
      wipe(raw);
      if (chars != null) {
        Arrays.fill(chars, '\0');
      }
    }
  }

  /**
   * Writes this key to a new file with owner-only permissions.
   *
   * @throws FileAlreadyExistsException if {@code file} exists
   */
  public void writeNew(Path file) throws FileAlreadyExistsException {
    Path parent = file.toAbsolutePath().getParent();
    byte[] raw = key.getEncoded();
    byte[] b64 = Base64.getEncoder().encode(raw);
    byte[] header = (HEADER + "\n").getBytes(StandardCharsets.US_ASCII);
    Path tmp = null;
    try {
      DurableFiles.createPrivateDirectories(parent);
      tmp = Files.createTempFile(parent, ".signing-key", ".tmp");
      restrictToOwner(tmp);
      try (var ch = Files.newByteChannel(tmp, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(header));
        ch.write(ByteBuffer.wrap(b64));
        ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
      }
      try {
        Files.createLink(file, tmp);
      } catch (UnsupportedOperationException e) {
        if (Files.exists(file)) {
          throw new FileAlreadyExistsException(file.toString());
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write audit signing key " + file, e);
    } finally {
      wipe(raw);
      wipe(b64);
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The temporary file is owner-only; a leftover is harmless and reported by nothing else.
        }
      }
    }
  }

  /** The public half, for verifiers. */
  public AuditPublicKey publicKey() {
    return publicKey;
  }

  /** The key id checkpoints name: see {@link AuditPublicKey#keyId()}. */
  public String keyId() {
    return publicKey.keyId();
  }

  /** The Ed25519 signature of {@code message}. */
  public byte[] sign(byte[] message) {
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, key);
    s.update(message, 0, message.length);
    return s.generateSignature();
  }

  @Override
  public String toString() {
    return "AuditSigningKey[" + keyId() + ", private key redacted]";
  }

  static void checkOwnerOnly(Path file) {
    PosixFileAttributeView view =
        Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view == null) {
      return;
    }
    try {
      Set<PosixFilePermission> perms = view.readAttributes().permissions();
      Set<PosixFilePermission> extra = EnumSet.copyOf(perms);
      extra.removeAll(OWNER_ONLY);
      extra.remove(PosixFilePermission.OWNER_EXECUTE);
      if (!extra.isEmpty()) {
        throw new IllegalArgumentException(file + ": key file is accessible to others ("
            + PosixFilePermissions.toString(perms) + "); restrict it to its owner (chmod 600)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read permissions of " + file, e);
    }
  }

  static void restrictToOwner(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view != null) {
      view.setPermissions(OWNER_ONLY);
    }
  }

  private static int indexOf(char[] chars, char c, int from) {
    for (int i = from; i < chars.length; i++) {
      if (chars[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static void wipe(byte[] b) {
    if (b != null) {
      Arrays.fill(b, (byte) 0);
    }
  }
}

package dev.breakglass.core.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Keyed fingerprints (HMAC-SHA256) of sensitive values that are not secrets but should not sit in
 * the audit log in clear text: identification evidence, client addresses, ticket text. A reviewer
 * who holds the key and a candidate value can compute its fingerprint and match it to the log.
 *
 * <p>Fingerprints look like {@code hmac-sha256:<first 32 hex digits>}. The key can be kept in a file
 * with {@link #loadOrCreate(Path)} (owner-only permissions; format: a first line
 * {@code breakglass-fingerprint-key v1}, then the base64 of 32 random bytes). Thread-safe.
 */
public final class Fingerprinter {
  /** Prefix of every fingerprint. */
  public static final String PREFIX = "hmac-sha256:";

  private final byte[] key;

  /** @param key at least 32 bytes; copied */
  public Fingerprinter(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < 32) {
      throw new IllegalArgumentException("fingerprint key must be at least 32 bytes, was " + key.length);
    }
    this.key = key.clone();
  }

  static final String KEY_HEADER = "breakglass-fingerprint-key v1";

  /**
   * The fingerprinter whose key is kept in {@code keyFile}; generates a random 32-byte key and writes
   * it there (owner read/write only, never overwriting an existing file) if the file does not exist.
   *
   * @throws IllegalArgumentException if the file exists but is not a key file or others can read it
   * @throws UncheckedIOException if the file cannot be read or written
   */
  public static Fingerprinter loadOrCreate(Path keyFile) {
    if (!Files.exists(keyFile)) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      byte[] text = (KEY_HEADER + "\n" + Base64.getEncoder().encodeToString(key) + "\n")
          .getBytes(StandardCharsets.US_ASCII);
      Path tmp = null;
      try {
        Path parent = keyFile.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        tmp = Files.createTempFile(parent, ".fingerprint-key", ".tmp");
        AuditSigningKey.restrictToOwner(tmp);
        Files.write(tmp, text);
        Files.createLink(keyFile, tmp);
        return new Fingerprinter(key);
      } catch (FileAlreadyExistsException e) {
        // Another process created it first: use theirs.
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write fingerprint key " + keyFile, e);
      } finally {
        Arrays.fill(key, (byte) 0);
        Arrays.fill(text, (byte) 0);
        if (tmp != null) {
          try {
            Files.deleteIfExists(tmp);
          } catch (IOException ignored) {
            // Owner-only leftover; harmless.
          }
        }
      }
    }
    return load(keyFile);
  }

  /**
   * The fingerprinter whose key is kept in {@code keyFile}, which must exist: for reviewers matching
   * known values against an audit log.
   *
   * @throws IllegalArgumentException if the file is not a key file or others can read it
   * @throws UncheckedIOException if the file does not exist or cannot be read
   */
  public static Fingerprinter load(Path keyFile) {
    AuditSigningKey.checkOwnerOnly(keyFile);
    byte[] bytes = null;
    byte[] key = null;
    try {
      bytes = Files.readAllBytes(keyFile);
      int nl = 0;
      while (nl < bytes.length && bytes[nl] != '\n') {
        nl++;
      }
      if (nl == bytes.length || !new String(bytes, 0, nl, StandardCharsets.US_ASCII).strip().equals(KEY_HEADER)) {
        throw new IllegalArgumentException(keyFile + ": not a breakglass fingerprint key (expected first line '"
            + KEY_HEADER + "')");
      }
      int end = bytes.length;
      while (end > nl + 1 && Character.isWhitespace(bytes[end - 1])) {
        end--;
      }
      try {
        ByteBuffer decoded = Base64.getDecoder().decode(ByteBuffer.wrap(bytes, nl + 1, end - nl - 1));
        key = new byte[decoded.remaining()];
        decoded.get(key);
        Arrays.fill(decoded.array(), (byte) 0);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(keyFile + ": fingerprint key is not valid base64");
      }
      return new Fingerprinter(key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read fingerprint key " + keyFile, e);
    } finally {
      if (bytes != null) {
        Arrays.fill(bytes, (byte) 0);
      }
      if (key != null) {
        Arrays.fill(key, (byte) 0);
      }
    }
  }

  /** The fingerprint of {@code value}. */
  public String fingerprint(String value) {
    return fingerprint(value.getBytes(StandardCharsets.UTF_8));
  }

  /** The fingerprint of a secret held in a {@code char[]}, without making a {@code String} of it. */
  public String fingerprint(char[] value) {
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(value));
    byte[] bytes = new byte[bb.remaining()];
    bb.get(bytes);
    try {
      return fingerprint(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (bb.hasArray()) {
        Arrays.fill(bb.array(), (byte) 0);
      }
    }
  }

  /** The fingerprint of raw bytes. */
  public String fingerprint(byte[] value) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    mac.update(value, 0, value.length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return PREFIX + HexFormat.of().formatHex(out, 0, 16);
  }

  @Override
  public String toString() {
    return "Fingerprinter[key=<redacted>]";
  }
}

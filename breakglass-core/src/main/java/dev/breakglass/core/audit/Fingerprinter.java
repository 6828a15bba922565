package dev.breakglass.core.audit;

import dev.breakglass.spi.files.DurableFiles;
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
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.jspecify.annotations.Nullable;

/**
 * Keyed fingerprints (HMAC-SHA256) of sensitive values that are not secrets but should not sit in
 * the audit log in clear text: identification evidence, client addresses, ticket text. A reviewer
 * who holds the key and a candidate value can compute its fingerprint and match it to the log.
 *
 * <h2>One key per purpose</h2>
 * The stored key is never used as an HMAC key itself. Two keys are derived from it with HKDF-SHA256
 * (RFC 5869) under distinct labels: the <em>review</em> key, for the values a reviewer matches
 * (tickets, identification evidence, client addresses: {@link #fingerprint(String)}), and the
 * <em>credential</em> key, for released credentials ({@link #credentialFingerprint(char[])}). Hand
 * reviewers the review key alone ({@link #writeReviewKey(Path)}): with it they can match a ticket
 * or a badge, but cannot test guesses of a credential against the log.
 *
 * <p>Fingerprints look like {@code hmac-sha256:<first 32 hex digits>}. The key can be kept in a file
 * with {@link #loadOrCreate(Path)} (owner-only permissions; format: a first line
 * {@code breakglass-fingerprint-key v1}, then the base64 of 32 random bytes; a review key file
 * starts with {@code breakglass-fingerprint-key v1 review}). Thread-safe.
 */
public final class Fingerprinter {
  /** Prefix of every fingerprint. */
  public static final String PREFIX = "hmac-sha256:";

  /** HKDF info labels; changing one changes every fingerprint of that purpose. */
  private static final String REVIEW_LABEL = "breakglass fingerprint v1: review (tickets, identification, clients)";
  private static final String CREDENTIAL_LABEL = "breakglass fingerprint v1: released credentials";

  private final byte[] reviewKey;
  private final byte @Nullable [] credentialKey;

  /**
   * A fingerprinter for every purpose, deriving its keys from the stored key.
   *
   * @param key the stored key, at least 32 bytes; not retained
   */
  public Fingerprinter(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < 32) {
      throw new IllegalArgumentException("fingerprint key must be at least 32 bytes, was " + key.length);
    }
    this.reviewKey = derive(key, REVIEW_LABEL);
    this.credentialKey = derive(key, CREDENTIAL_LABEL);
  }

  private Fingerprinter(byte[] reviewKey, boolean reviewOnly) {
    this.reviewKey = reviewKey.clone();
    this.credentialKey = null;
  }

  private static byte[] derive(byte[] key, String label) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(key, null, label.getBytes(StandardCharsets.US_ASCII)));
    byte[] out = new byte[32];
    hkdf.generateBytes(out, 0, out.length);
    return out;
  }

  static final String KEY_HEADER = "breakglass-fingerprint-key v1";
  static final String REVIEW_KEY_HEADER = KEY_HEADER + " review";

  /** Whether this fingerprinter holds the credential key (false for a reviewer's key file). */
  public boolean canFingerprintCredentials() {
    return credentialKey != null;
  }

  /** What this fingerprinter's key can match, for tools that tell their user. */
  public String purpose() {
    return credentialKey != null
        ? "all purposes (stored key): tickets, identification, client addresses and released credentials"
        : "review: tickets, identification and client addresses (not released credentials)";
  }

  /**
   * Writes the review key alone to {@code file} (owner read/write only; the file must not exist):
   * the key to give reviewers, who match tickets, identification and client addresses with it.
   *
   * @throws UncheckedIOException if the file exists or cannot be written
   */
  public void writeReviewKey(Path file) {
    byte[] text = (REVIEW_KEY_HEADER + "\n" + Base64.getEncoder().encodeToString(reviewKey) + "\n")
        .getBytes(StandardCharsets.US_ASCII);
    try {
      Path parent = file.toAbsolutePath().getParent();
      DurableFiles.createPrivateDirectories(parent);
      Path tmp = Files.createTempFile(parent, ".review-key", ".tmp");
      try {
        AuditSigningKey.restrictToOwner(tmp);
        Files.write(tmp, text);
        Files.createLink(file, tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write review key " + file, e);
    } finally {
      Arrays.fill(text, (byte) 0);
    }
  }

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
        DurableFiles.createPrivateDirectories(parent);
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
      String header = nl == bytes.length ? "" : new String(bytes, 0, nl, StandardCharsets.US_ASCII).strip();
      if (!header.equals(KEY_HEADER) && !header.equals(REVIEW_KEY_HEADER)) {
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
      if (header.equals(REVIEW_KEY_HEADER)) {
        if (key.length != 32) {
          throw new IllegalArgumentException(keyFile + ": a review key must be 32 bytes, was " + key.length);
        }
        return new Fingerprinter(key, true);
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

  /** The review fingerprint of {@code value} (a ticket, identification evidence, a client address). */
  public String fingerprint(String value) {
    return fingerprint(value.getBytes(StandardCharsets.UTF_8));
  }

  /** The review fingerprint of a value held in a {@code char[]}, without making a {@code String} of it. */
  public String fingerprint(char[] value) {
    return fingerprint(reviewKey, value);
  }

  /**
   * The fingerprint of a released credential, under the credential key.
   *
   * @throws IllegalStateException if this fingerprinter was loaded from a review key file
   */
  public String credentialFingerprint(char[] secret) {
    byte[] k = credentialKey;
    if (k == null) {
      throw new IllegalStateException("a review key fingerprints tickets, identification and client addresses,"
          + " not credentials");
    }
    return fingerprint(k, secret);
  }

  private static String fingerprint(byte[] key, char[] value) {
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(value));
    byte[] bytes = new byte[bb.remaining()];
    bb.get(bytes);
    try {
      return hmac(key, bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (bb.hasArray()) {
        Arrays.fill(bb.array(), (byte) 0);
      }
    }
  }

  /** The review fingerprint of raw bytes. */
  public String fingerprint(byte[] value) {
    return hmac(reviewKey, value);
  }

  private static String hmac(byte[] key, byte[] value) {
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

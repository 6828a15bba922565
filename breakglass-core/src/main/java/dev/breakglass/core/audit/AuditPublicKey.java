package dev.breakglass.core.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The Ed25519 public key that verifies an audit log's {@link Checkpoint checkpoints}. This is what
 * an operator hands to reviewers: with it alone they can run {@link AuditLogVerifier} and check
 * proofs offline.
 *
 * <p>Text form (what {@link #toText()} writes and {@link #parse} reads):
 *
 * <pre>
 * breakglass-audit-public-key v1
 * &lt;base64 of the 32-byte Ed25519 public key&gt;
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class AuditPublicKey {
  static final String HEADER = "breakglass-audit-public-key v1";

  private final byte[] encoded;
  private final Ed25519PublicKeyParameters params;
  private final String keyId;

  private AuditPublicKey(byte[] encoded) {
    this.encoded = encoded;
    this.params = new Ed25519PublicKeyParameters(encoded, 0);
    byte[] digest = MerkleProofs.sha256().digest(encoded);
    this.keyId = HexFormat.of().formatHex(digest, 0, 8);
  }

  /**
   * The key from its raw 32-byte encoding.
   *
   * @throws IllegalArgumentException if {@code raw} is not 32 bytes or not a valid Ed25519 point
   */
  public static AuditPublicKey fromRaw(byte[] raw) {
    Objects.requireNonNull(raw, "raw");
    if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException(
          "an Ed25519 public key has 32 bytes, this one has " + raw.length);
    }
    try {
      return new AuditPublicKey(raw.clone());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a valid Ed25519 public key", e);
    }
  }

  /**
   * Parses the text form.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static AuditPublicKey parse(String text) {
    String[] lines = text.strip().split("\n");
    if (lines.length != 2 || !lines[0].strip().equals(HEADER)) {
      throw new IllegalArgumentException("not a breakglass audit public key (expected '" + HEADER
          + "' and one base64 line)");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(lines[1].strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("audit public key is not valid base64", e);
    }
    return fromRaw(raw);
  }

  /** Reads a key written by {@link #write}. */
  public static AuditPublicKey read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read audit public key " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Writes the text form to {@code file} (replacing it). */
  public void write(Path file) {
    try {
      Files.writeString(file, toText(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write audit public key " + file, e);
    }
  }

  /** The text form. */
  public String toText() {
    return HEADER + "\n" + Base64.getEncoder().encodeToString(encoded) + "\n";
  }

  /** The raw 32-byte key. */
  public byte[] raw() {
    return encoded.clone();
  }

  /** The key id: the first 8 bytes of {@code SHA-256(raw key)}, in hex. Checkpoints name it. */
  public String keyId() {
    return keyId;
  }

  /** Whether {@code signature} is this key's Ed25519 signature of {@code message}. Never throws. */
  public boolean verify(byte[] message, byte[] signature) {
    if (signature == null || signature.length != 64) {
      return false;
    }
    Ed25519Signer v = new Ed25519Signer();
    v.init(false, params);
    v.update(message, 0, message.length);
    return v.verifySignature(signature);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuditPublicKey k && Arrays.equals(encoded, k.encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "AuditPublicKey[" + keyId + "]";
  }
}

package dev.breakglass.core.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A signed statement of an audit log's state: "the log had {@code treeSize} records and their
 * Merkle tree root was {@code rootHash}, at {@code time}, signed by key {@code keyId}". Whoever keeps
 * a checkpoint can later prove, with only the public key, that the log still contains exactly those
 * records as its prefix ({@link AuditLogProofs#consistencyProof}) or that a given record is among
 * them ({@link AuditLogProofs#inclusionProof}).
 *
 * <p>Text form ({@link #toText()}, {@link #parse}); the signature covers the first five lines,
 * each ending in a newline, as UTF-8:
 *
 * <pre>
 * breakglass-audit-checkpoint v1
 * size 1234
 * root &lt;base64 of the 32-byte root hash&gt;
 * time 2026-01-02T03:04:05.678Z
 * key &lt;key id, 16 hex digits&gt;
 * signature &lt;base64 of the 64-byte Ed25519 signature&gt;
 * </pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param treeSize number of records covered
 * @param rootHash the RFC 6962 root hash of those records (32 bytes)
 * @param time when the checkpoint was made, from the log's clock
 * @param keyId the {@link AuditPublicKey#keyId()} of the signing key
 * @param signature the Ed25519 signature of {@link #signedBody()} (64 bytes)
 */
public record Checkpoint(long treeSize, byte[] rootHash, Instant time, String keyId, byte[] signature) {
  static final String HEADER = "breakglass-audit-checkpoint v1";
  private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");

  public Checkpoint {
    Objects.requireNonNull(rootHash, "rootHash");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(signature, "signature");
    if (treeSize < 0) {
      throw new IllegalArgumentException("checkpoint tree size is negative: " + treeSize);
    }
    if (rootHash.length != MerkleProofs.HASH_LENGTH) {
      throw new IllegalArgumentException("checkpoint root must be 32 bytes, is " + rootHash.length);
    }
    if (!KEY_ID.matcher(keyId).matches()) {
      throw new IllegalArgumentException("checkpoint key id must be 16 lower-case hex digits: " + keyId);
    }
    rootHash = rootHash.clone();
    signature = signature.clone();
  }

  /** Makes and signs a checkpoint. */
  static Checkpoint sign(long treeSize, byte[] rootHash, Instant time, AuditSigningKey key) {
    byte[] body = body(treeSize, rootHash, time, key.keyId());
    return new Checkpoint(treeSize, rootHash, time, key.keyId(), key.sign(body));
  }

  /** The bytes the signature covers. */
  public byte[] signedBody() {
    return body(treeSize, rootHash, time, keyId);
  }

  /**
   * Whether {@code key} is the named key and its signature over this checkpoint is valid. Never
   * throws.
   */
  public boolean verifySignature(AuditPublicKey key) {
    return key.keyId().equals(keyId) && key.verify(signedBody(), signature);
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The text form. */
  public String toText() {
    return new String(signedBody(), StandardCharsets.UTF_8) + "signature "
        + Base64.getEncoder().encodeToString(signature) + "\n";
  }

  /**
   * Parses the text form strictly (exactly six lines in order, each ending in a newline).
   *
   * @throws IllegalArgumentException naming the line that is wrong
   */
  public static Checkpoint parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("checkpoint must end with a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (lines.length != 6 || !lines[0].equals(HEADER)) {
      throw new IllegalArgumentException("not a checkpoint: expected '" + HEADER + "' and five more lines");
    }
    long size;
    try {
      size = Long.parseLong(field(lines[1], "size"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("checkpoint line 2: size is not a number");
    }
    byte[] root = base64(field(lines[2], "root"), 3);
    Instant time;
    try {
      time = Instant.parse(field(lines[3], "time"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("checkpoint line 4: time is not an ISO-8601 instant");
    }
    String keyId = field(lines[4], "key");
    byte[] sig = base64(field(lines[5], "signature"), 6);
    if (sig.length != 64) {
      throw new IllegalArgumentException("checkpoint line 6: signature must be 64 bytes, is " + sig.length);
    }
    Checkpoint c = new Checkpoint(size, root, time, keyId, sig);
    if (!c.toText().equals(text)) {
      throw new IllegalArgumentException("checkpoint is not in canonical form");
    }
    return c;
  }

  static Checkpoint parse(byte[] bytes, int offset, int length) {
    return parse(new String(bytes, offset, length, StandardCharsets.UTF_8));
  }

  private static String field(String line, String name) {
    if (!line.startsWith(name + " ") || line.length() == name.length() + 1) {
      throw new IllegalArgumentException("checkpoint line '" + name + " ...' expected");
    }
    return line.substring(name.length() + 1);
  }

  private static byte[] base64(String s, int line) {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("checkpoint line " + line + ": not valid base64");
    }
  }

  private static byte[] body(long treeSize, byte[] rootHash, Instant time, String keyId) {
    return (HEADER + "\nsize " + treeSize + "\nroot " + Base64.getEncoder().encodeToString(rootHash)
        + "\ntime " + time + "\nkey " + keyId + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && treeSize == c.treeSize && Arrays.equals(rootHash, c.rootHash)
        && time.equals(c.time) && keyId.equals(c.keyId) && Arrays.equals(signature, c.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(treeSize, Arrays.hashCode(rootHash), time, keyId);
  }

  @Override
  public String toString() {
    return "Checkpoint[size=" + treeSize + ", root=" + Base64.getEncoder().encodeToString(rootHash)
        + ", time=" + time + ", key=" + keyId + "]";
  }
}

package dev.breakglass.core.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A signed statement of an audit log's state: "log {@code logId} had {@code treeSize} records and
 * their Merkle tree root was {@code rootHash}, at {@code time}, signed by key {@code keyId}; the
 * checkpoint before this one covered {@code previousSize} records". Whoever keeps a checkpoint can
 * later prove, with only the public key, that the log still contains exactly those records as its
 * prefix ({@link AuditLogProofs#consistencyProof}) or that a given record is among them
 * ({@link AuditLogProofs#inclusionProof}).
 *
 * <h2>Text form, version 2</h2>
 *
 * What the log writes since log ids exist ({@link #toText()}, {@link #parse}); the signature covers
 * the first seven lines, each ending in a newline, as UTF-8:
 *
 * <pre>
 * breakglass-audit-checkpoint v2
 * log &lt;log id, 32 hex digits&gt;
 * size 1234
 * previous 1024
 * root &lt;base64 of the 32-byte root hash&gt;
 * time 2026-01-02T03:04:05.678Z
 * key &lt;key id, 16 hex digits&gt;
 * signature &lt;base64 of the 64-byte Ed25519 signature&gt;
 * </pre>
 *
 * <p>The log id is random, fixed when the log is created, and signed into every checkpoint, so a
 * checkpoint of one log never validates another log signed with the same key. {@code previous} is
 * the size of the checkpoint before this one in the log ({@code none} for the first), so a
 * checkpoint removed from the log is noticed at the next one. This is also the form a
 * {@link dev.breakglass.spi.CheckpointWitness} keeps ({@link dev.breakglass.spi.WitnessedCheckpoint}).
 *
 * <h2>Version 1</h2>
 *
 * Logs written before log ids existed hold checkpoints without the {@code log} and {@code previous}
 * lines (header {@code breakglass-audit-checkpoint v1}, six lines). They are still read and
 * verified; {@link #logId()} is {@code null} and {@link #previousSize()} is {@link #NO_PREVIOUS}
 * for them. Such a log gets a log id at its next checkpoint (see {@link TamperEvidentAuditLog}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param treeSize number of records covered
 * @param rootHash the RFC 6962 root hash of those records (32 bytes)
 * @param time when the checkpoint was made, from the log's clock
 * @param keyId the {@link AuditPublicKey#keyId()} of the signing key
 * @param signature the Ed25519 signature of {@link #signedBody()} (64 bytes)
 * @param logId the log's id (32 lower-case hex digits); {@code null} for a version 1 checkpoint
 * @param previousSize the tree size of the checkpoint before this one in the log, or
 *     {@link #NO_PREVIOUS} for the first one (and for every version 1 checkpoint)
 */
public record Checkpoint(long treeSize, byte[] rootHash, Instant time, String keyId, byte[] signature,
    @Nullable String logId, long previousSize) {
  static final String HEADER = "breakglass-audit-checkpoint v1";
  static final String HEADER_V2 = "breakglass-audit-checkpoint v2";
  /** {@link #previousSize()} of a checkpoint that has none before it. */
  public static final long NO_PREVIOUS = -1;
  private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern LOG_ID = Pattern.compile("[0-9a-f]{32}");

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
    if (logId != null && !LOG_ID.matcher(logId).matches()) {
      throw new IllegalArgumentException("checkpoint log id must be 32 lower-case hex digits: " + logId);
    }
    if (logId == null && previousSize != NO_PREVIOUS) {
      throw new IllegalArgumentException("a checkpoint without a log id (version 1) names no previous checkpoint");
    }
    if (previousSize != NO_PREVIOUS && (previousSize < 0 || previousSize >= treeSize)) {
      throw new IllegalArgumentException("checkpoint previous size " + previousSize + " must be below its size "
          + treeSize);
    }
    rootHash = rootHash.clone();
    signature = signature.clone();
  }

  /** A version 1 checkpoint (no log id, no previous size), as logs written before log ids hold. */
  public Checkpoint(long treeSize, byte[] rootHash, Instant time, String keyId, byte[] signature) {
    this(treeSize, rootHash, time, keyId, signature, null, NO_PREVIOUS);
  }

  /**
   * Makes and signs a version 2 checkpoint: for logs kept outside this package (a database) that
   * compute their own root with {@link MerkleFrontier}.
   *
   * @param previousSize the tree size of the log's checkpoint before this one, or {@link #NO_PREVIOUS}
   */
  public static Checkpoint sign(String logId, long previousSize, long treeSize, byte[] rootHash, Instant time,
      AuditSigningKey key) {
    byte[] body = body(logId, previousSize, treeSize, rootHash, time, key.keyId());
    return new Checkpoint(treeSize, rootHash, time, key.keyId(), key.sign(body), logId, previousSize);
  }

  /** Makes and signs a version 1 checkpoint, as logs written before log ids hold (for migration tests). */
  static Checkpoint signVersion1(long treeSize, byte[] rootHash, Instant time, AuditSigningKey key) {
    byte[] body = body(null, NO_PREVIOUS, treeSize, rootHash, time, key.keyId());
    return new Checkpoint(treeSize, rootHash, time, key.keyId(), key.sign(body));
  }

  /** 2 for checkpoints that name their log, 1 for those written before log ids existed. */
  public int version() {
    return logId == null ? 1 : 2;
  }

  /** The bytes the signature covers. */
  public byte[] signedBody() {
    return body(logId, previousSize, treeSize, rootHash, time, keyId);
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
   * Parses the text form strictly: version 2 (eight lines) or version 1 (six lines), in order, each
   * ending in a newline.
   *
   * @throws IllegalArgumentException naming the line that is wrong
   */
  public static Checkpoint parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("checkpoint must end with a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    boolean v2 = lines.length > 0 && lines[0].equals(HEADER_V2);
    if (v2 ? lines.length != 8 : lines.length != 6 || !lines[0].equals(HEADER)) {
      throw new IllegalArgumentException("not a checkpoint: expected '" + HEADER_V2 + "' and seven more lines (or '"
          + HEADER + "' and five more)");
    }
    int n = 1;
    String logId = null;
    long previous = NO_PREVIOUS;
    if (v2) {
      logId = field(lines[n++], "log");
      if (!LOG_ID.matcher(logId).matches()) {
        throw new IllegalArgumentException("checkpoint line 2: the log id must be 32 lower-case hex digits");
      }
    }
    long size = number(field(lines[n], "size"), n + 1, "size");
    n++;
    if (v2) {
      String p = field(lines[n], "previous");
      previous = p.equals("none") ? NO_PREVIOUS : number(p, n + 1, "previous");
      n++;
    }
    byte[] root = base64(field(lines[n], "root"), n + 1);
    n++;
    Instant time;
    try {
      time = Instant.parse(field(lines[n], "time"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("checkpoint line " + (n + 1) + ": time is not an ISO-8601 instant");
    }
    n++;
    String keyId = field(lines[n++], "key");
    byte[] sig = base64(field(lines[n], "signature"), n + 1);
    if (sig.length != 64) {
      throw new IllegalArgumentException("checkpoint line " + (n + 1) + ": signature must be 64 bytes, is "
          + sig.length);
    }
    Checkpoint c = new Checkpoint(size, root, time, keyId, sig, logId, previous);
    if (!c.toText().equals(text)) {
      throw new IllegalArgumentException("checkpoint is not in canonical form");
    }
    return c;
  }

  private static long number(String s, int line, String name) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("checkpoint line " + line + ": " + name + " is not a number");
    }
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

  private static byte[] body(@Nullable String logId, long previous, long treeSize, byte[] rootHash, Instant time,
      String keyId) {
    String head = logId == null ? HEADER + "\nsize " + treeSize
        : HEADER_V2 + "\nlog " + logId + "\nsize " + treeSize + "\nprevious "
            + (previous == NO_PREVIOUS ? "none" : Long.toString(previous));
    return (head + "\nroot " + Base64.getEncoder().encodeToString(rootHash) + "\ntime " + time + "\nkey " + keyId
        + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && treeSize == c.treeSize && Arrays.equals(rootHash, c.rootHash)
        && time.equals(c.time) && keyId.equals(c.keyId) && Arrays.equals(signature, c.signature)
        && Objects.equals(logId, c.logId) && previousSize == c.previousSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(treeSize, Arrays.hashCode(rootHash), time, keyId);
  }

  @Override
  public String toString() {
    return "Checkpoint[" + (logId == null ? "" : "log=" + logId + ", ") + "size=" + treeSize + ", root=" + Base64.getEncoder().encodeToString(rootHash)
        + ", time=" + time + ", key=" + keyId + "]";
  }
}

package dev.breakglass.core.audit;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The rules that link one log's checkpoints, checked in log order by {@link LogScanner} both when
 * a log is opened and when it is verified: every checkpoint names the same log id (once the log
 * has one), is signed by a trusted key with a valid signature, covers more records than the one
 * before it, is not older than it, and names the size of the one before it (so a checkpoint taken
 * out of the log is noticed at the next one). Together with the scanner's check that each
 * checkpoint's root is the root of the records before it, each checkpoint is consistent with every
 * earlier one.
 *
 * <p>Version 1 checkpoints (written before log ids existed) carry neither log id nor previous size;
 * they are accepted only before the first version 2 checkpoint, and are otherwise checked alike.
 *
 * <p>Not thread-safe: one per scan.
 */
final class CheckpointChain {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Function<String, @Nullable AuditPublicKey> keys;
  private final Function<String, String> untrustedKey;
  private @Nullable Checkpoint last;
  private @Nullable String logId;

  private CheckpointChain(Function<String, @Nullable AuditPublicKey> keys, Function<String, String> untrustedKey) {
    this.keys = keys;
    this.untrustedKey = untrustedKey;
  }

  /** For opening a log: every checkpoint must be signed by {@code key}, the key that signs from now on. */
  static CheckpointChain signedBy(AuditPublicKey key) {
    return new CheckpointChain(id -> id.equals(key.keyId()) ? key : null,
        id -> "checkpoint is signed by key " + id + ", but the log's signing key is " + key.keyId()
            + ": the signing key changed");
  }

  /** For verifying: checkpoints may be signed by any of {@code keys} (by key id). */
  static CheckpointChain trusting(Map<String, AuditPublicKey> keys) {
    return new CheckpointChain(keys::get, id -> "checkpoint signed by untrusted key " + id);
  }

  /** A new random log id: 16 bytes, as 32 lower-case hex digits. */
  static String newLogId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /**
   * What is wrong with the log id of {@code c}, checked before its position and root, so that a
   * checkpoint spliced in from another log is named as such; {@code null} if nothing.
   */
  @Nullable String logIdProblem(Checkpoint c) {
    if (logId == null) {
      return null;
    }
    if (c.logId() == null) {
      return "checkpoint names no log id (format v1) but follows checkpoints of log " + logId
          + ": a checkpoint was replaced";
    }
    if (!c.logId().equals(logId)) {
      return "checkpoint names log " + c.logId() + ", but this log is " + logId + ": a checkpoint of another log";
    }
    return null;
  }

  /**
   * Checks every other rule; if {@code c} passes, it becomes the latest checkpoint of the chain.
   *
   * @return what is wrong, or {@code null}
   */
  @Nullable String accept(Checkpoint c) {
    String problem = logIdProblem(c);
    if (problem != null) {
      return problem;
    }
    AuditPublicKey key = keys.apply(c.keyId());
    if (key == null) {
      return untrustedKey.apply(c.keyId());
    }
    if (!c.verifySignature(key)) {
      return "checkpoint signature is invalid";
    }
    if (last != null && c.treeSize() <= last.treeSize()) {
      return "checkpoint covers " + c.treeSize() + " records, no more than the checkpoint before it ("
          + last.treeSize() + "): signed sizes only grow";
    }
    if (last != null && c.time().isBefore(last.time())) {
      return "checkpoint time goes backwards";
    }
    if (c.logId() != null) {
      long expected = last == null ? Checkpoint.NO_PREVIOUS : last.treeSize();
      if (c.previousSize() != expected) {
        return c.previousSize() == Checkpoint.NO_PREVIOUS
            ? "checkpoint says it is the first of its log, but a checkpoint of " + expected + " records precedes it"
            : "checkpoint says the checkpoint before it covered " + c.previousSize() + " records, but "
                + (last == null ? "none precedes it" : "the one before it covers " + expected)
                + ": a checkpoint is missing";
      }
      logId = c.logId();
    }
    last = c;
    return null;
  }

  /** The log id named by the log's checkpoints; {@code null} until a version 2 checkpoint was read. */
  @Nullable String logId() {
    return logId;
  }

  /** The latest checkpoint accepted, or {@code null}. */
  @Nullable Checkpoint last() {
    return last;
  }
}

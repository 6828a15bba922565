package dev.breakglass.core.audit;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What opening a log checks beyond its frames, so that whoever can write the log directory cannot
 * make the writer sign a history it did not write. Fed by {@link SegmentFiles#recover} frame by
 * frame; every break is an {@link AuditLogRefusedException} naming the record, segment and offset.
 *
 * <ul>
 *   <li><b>The checkpoint chain</b> ({@link CheckpointChain}): every checkpoint signed by the
 *       signing key, of one log id, growing, linked to the one before it.
 *   <li><b>Anchors</b>: checkpoints kept by {@link dev.breakglass.spi.CheckpointWitness witnesses}
 *       outside the log. Each must be validly signed by the signing key and name the log's id; the
 *       log must hold at least its records, and the root of its first {@code treeSize} records must
 *       be its root (a consistency check with every record at hand). A log rolled back to an older
 *       copy, cut short or replaced fails here.
 *   <li><b>The unsigned tail</b>: the writer signs records that have waited one checkpoint interval
 *       in the same write that makes them durable. So after the last checkpoint there can be only
 *       records dated less than one interval after it, plus the records of one batch cut short by a
 *       crash (dated within one interval of each other). A longer tail means checkpoints were taken
 *       out; without any checkpoint, the first record's time is the start.
 * </ul>
 *
 * <p>Not thread-safe: one per open.
 */
final class TrustOnOpen {
  /** A checkpoint kept outside the log, and the witness that kept it (for messages). */
  record Anchor(String witness, Checkpoint checkpoint) {}

  private final AuditPublicKey key;
  private final CheckpointChain chain;
  private final List<Anchor> anchors;
  private final Duration interval;
  private @Nullable Instant tailStart;
  private @Nullable Instant batchStart;
  private @Nullable AuditLogRefusedException tailProblem;

  TrustOnOpen(AuditPublicKey key, List<Anchor> anchors, Duration interval) {
    this.key = key;
    this.chain = CheckpointChain.signedBy(key);
    this.anchors = List.copyOf(anchors);
    this.interval = interval;
  }

  CheckpointChain chain() {
    return chain;
  }

  /** Before the first frame: every anchor must be a valid checkpoint of this key. */
  void started(LogScanner s) {
    String first = LogFormat.segmentName(0);
    for (Anchor a : anchors) {
      Checkpoint c = a.checkpoint();
      if (!c.keyId().equals(key.keyId())) {
        throw new AuditLogRefusedException(c.treeSize(), first, 0, "the checkpoint held by witness '" + a.witness()
            + "' is signed by key " + c.keyId() + ", but the log's signing key is " + key.keyId()
            + ": the signing key changed");
      }
      if (!c.verifySignature(key)) {
        throw new AuditLogRefusedException(c.treeSize(), first, 0, "the checkpoint held by witness '" + a.witness()
            + "' has an invalid signature");
      }
    }
    checkAnchorRoots(s.frontier(), first, LogFormat.SEGMENT_HEADER);
  }

  /** After each frame the scanner accepted. */
  void afterFrame(LogScanner s) {
    if (s.isRecord()) {
      checkAnchorRoots(s.frontier(), s.segment(), s.frameOffset());
      tail(s);
      return;
    }
    Checkpoint c = s.checkpoint();
    for (Anchor a : anchors) {
      String held = a.checkpoint().logId();
      if (c.logId() != null && held != null && !held.equals(c.logId())) {
        throw new AuditLogRefusedException(s.frontier().size(), s.segment(), s.frameOffset(), "the checkpoint held"
            + " by witness '" + a.witness() + "' is of log " + held + ", but this log is " + c.logId()
            + ": another log was put in its place");
      }
    }
    tailStart = c.time();
    batchStart = null;
    tailProblem = null;
  }

  /**
   * After the last intact frame.
   *
   * @param size records in the log
   * @param segment the last segment
   * @param endOffset where its last intact frame ends
   */
  void finished(long size, String segment, long endOffset) {
    for (Anchor a : anchors) {
      Checkpoint c = a.checkpoint();
      if (c.treeSize() > size) {
        throw new AuditLogRefusedException(size, segment, endOffset, "the log has " + size + " records, but witness '"
            + a.witness() + "' holds a checkpoint of " + c.treeSize() + " records signed " + c.time()
            + ": records were removed or the log was rolled back to an older copy");
      }
      if (c.logId() != null && chain.logId() == null) {
        throw new AuditLogRefusedException(size, segment, endOffset, "the log names no log id, but witness '"
            + a.witness() + "' holds a checkpoint of log " + c.logId() + ": its checkpoints were removed");
      }
    }
    if (tailProblem != null) {
      throw tailProblem;
    }
  }

  private void checkAnchorRoots(MerkleFrontier f, String segment, long offset) {
    for (Anchor a : anchors) {
      Checkpoint c = a.checkpoint();
      if (c.treeSize() == f.size() && !MessageDigest.isEqual(c.rootHash(), f.root())) {
        throw new AuditLogRefusedException(f.size() == 0 ? 0 : f.size() - 1, segment, offset, "the log's first "
            + c.treeSize() + " records do not match the checkpoint held by witness '" + a.witness()
            + "': the log was rewritten");
      }
    }
  }

  private void tail(LogScanner s) {
    Instant t = Instant.ofEpochSecond(s.recordSecond(), s.recordNano());
    if (tailStart == null) {
      tailStart = t;
    }
    if (tailProblem != null || t.isBefore(tailStart.plus(interval))) {
      return;
    }
    if (batchStart == null) {
      batchStart = t;
    } else if (!t.isBefore(batchStart.plus(interval))) {
      Checkpoint last = chain.last();
      tailProblem = new AuditLogRefusedException(s.recordIndex(), s.segment(), s.frameOffset(),
          "records after the last checkpoint (" + (last == null ? "there is none" : "of " + last.treeSize()
              + " records, signed " + last.time()) + ") run until " + t + ", longer than the checkpoint interval of "
              + interval + " allows: the checkpoints that covered them were removed");
    }
  }
}

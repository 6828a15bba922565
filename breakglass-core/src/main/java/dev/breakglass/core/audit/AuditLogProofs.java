package dev.breakglass.core.audit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Makes Merkle proofs from a {@link TamperEvidentAuditLog} directory, for checking offline with
 * {@link MerkleProofs} and the signer's {@link AuditPublicKey}:
 *
 * <ul>
 *   <li>an {@link InclusionProof}: record {@code i} is among the records a checkpoint covers;
 *   <li>a {@link ConsistencyProof}: the log of a later checkpoint still holds the records of an
 *       earlier one, unchanged, as its prefix (the log only grew).
 * </ul>
 *
 * <p>Producing a proof reads the log once (O(n) time, O(log n) memory); checking one takes
 * O(log n) hashes. Both methods throw {@link AuditLogCorruptException} if the log is damaged and
 * {@link IllegalArgumentException} for sizes the log does not have. Thread-safe (stateless).
 */
public final class AuditLogProofs {
  private AuditLogProofs() {}

  /**
   * Proof that a record is leaf {@code index} of the tree of the first {@code treeSize} records.
   *
   * @param record the record's canonical bytes (the leaf)
   * @param path the RFC 9162 audit path, leaf to root
   */
  public record InclusionProof(long index, long treeSize, byte[] record, List<byte[]> path) {
    public InclusionProof {
      record = record.clone();
      path = path.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] record() {
      return record.clone();
    }

    @Override
    public List<byte[]> path() {
      return path.stream().map(byte[]::clone).toList();
    }

    /**
     * Whether {@code checkpoint} is validly signed by {@code key}, covers exactly
     * {@link #treeSize()} records, and this proof leads from the record to its root.
     */
    public boolean verify(Checkpoint checkpoint, AuditPublicKey key) {
      return checkpoint.verifySignature(key) && checkpoint.treeSize() == treeSize
          && MerkleProofs.verifyInclusion(index, treeSize, MerkleProofs.leafHash(record), path,
              checkpoint.rootHash());
    }

    @Override
    public String toString() {
      return "InclusionProof[index=" + index + ", treeSize=" + treeSize + ", path=" + b64(path) + "]";
    }
  }

  /** Proof that the tree of {@code size2} records extends the tree of {@code size1} records. */
  public record ConsistencyProof(long size1, long size2, List<byte[]> path) {
    public ConsistencyProof {
      path = path.stream().map(byte[]::clone).toList();
    }

    @Override
    public List<byte[]> path() {
      return path.stream().map(byte[]::clone).toList();
    }

    /**
     * Whether both checkpoints are validly signed by {@code key}, match this proof's sizes, and the
     * newer log contains the older one as its prefix.
     */
    public boolean verify(Checkpoint older, Checkpoint newer, AuditPublicKey key) {
      return older.verifySignature(key) && newer.verifySignature(key) && older.treeSize() == size1
          && newer.treeSize() == size2
          && MerkleProofs.verifyConsistency(size1, size2, older.rootHash(), newer.rootHash(), path);
    }

    @Override
    public String toString() {
      return "ConsistencyProof[" + size1 + " -> " + size2 + ", path=" + b64(path) + "]";
    }
  }

  /** Inclusion proof for record {@code index} against the checkpoint of {@code treeSize} records. */
  public static InclusionProof inclusionProof(Path directory, long index, long treeSize) {
    if (index < 0 || index >= treeSize) {
      throw new IllegalArgumentException("record index " + index + " is not below tree size " + treeSize);
    }
    List<long[]> ranges = new ArrayList<>();
    path(index, 0, treeSize, ranges);
    byte[][] record = new byte[1][];
    List<byte[]> hashes = hashRanges(directory, ranges, treeSize, index, record);
    return new InclusionProof(index, treeSize, record[0], hashes);
  }

  /** Consistency proof from the tree of {@code size1} records to that of {@code size2} records. */
  public static ConsistencyProof consistencyProof(Path directory, long size1, long size2) {
    if (size1 < 0 || size2 < size1) {
      throw new IllegalArgumentException("need 0 <= size1 <= size2, got " + size1 + " and " + size2);
    }
    List<long[]> ranges = new ArrayList<>();
    if (size1 > 0 && size1 < size2) {
      subproof(size1, 0, size2, true, ranges);
    }
    return new ConsistencyProof(size1, size2, hashRanges(directory, ranges, size2, -1, null));
  }

  /** RFC 9162 PATH(m, D[lo:hi]) as the leaf ranges whose subtree hashes form the proof. */
  private static void path(long m, long lo, long hi, List<long[]> out) {
    long n = hi - lo;
    if (n == 1) {
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m < k) {
      path(m, lo, lo + k, out);
      out.add(new long[] {lo + k, hi});
    } else {
      path(m - k, lo + k, hi, out);
      out.add(new long[] {lo, lo + k});
    }
  }

  /** RFC 9162 SUBPROOF(m, D[lo:hi], b) as leaf ranges. */
  private static void subproof(long m, long lo, long hi, boolean complete, List<long[]> out) {
    long n = hi - lo;
    if (m == n) {
      if (!complete) {
        out.add(new long[] {lo, hi});
      }
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m <= k) {
      subproof(m, lo, lo + k, complete, out);
      out.add(new long[] {lo + k, hi});
    } else {
      subproof(m - k, lo + k, hi, false, out);
      out.add(new long[] {lo, lo + k});
    }
  }

  /**
   * Reads the first {@code treeSize} records once and returns the subtree hash of each range, in
   * the order given. The ranges of one proof never overlap.
   */
  private static List<byte[]> hashRanges(Path directory, List<long[]> ranges, long treeSize, long wantRecord,
      byte[][] recordOut) {
    Integer[] order = new Integer[ranges.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingLong(i -> ranges.get(i)[0]));
    byte[][] out = new byte[ranges.size()][];
    int next = 0;
    MerkleFrontier current = null;
    long read = 0;
    try (LogScanner s = LogScanner.of(directory)) {
      while (read < treeSize && s.next()) {
        if (!s.isRecord()) {
          continue;
        }
        long i = s.recordIndex();
        read = i + 1;
        if (i == wantRecord) {
          recordOut[0] = Arrays.copyOfRange(s.array(), s.payloadOffset(), s.payloadOffset() + s.payloadLength());
        }
        if (next < order.length) {
          long[] r = ranges.get(order[next]);
          if (i >= r[0]) {
            if (current == null) {
              current = new MerkleFrontier();
            }
            current.appendLeafHash(s.leafHash());
            if (i == r[1] - 1) {
              out[order[next]] = current.root();
              current = null;
              next++;
            }
          }
        }
      }
    }
    if (read < treeSize) {
      throw new IllegalArgumentException("the log has " + read + " records, fewer than " + treeSize);
    }
    return Arrays.asList(out);
  }

  private static String b64(List<byte[]> hashes) {
    List<String> s = new ArrayList<>();
    for (byte[] h : hashes) {
      s.add(Base64.getEncoder().encodeToString(Objects.requireNonNull(h)));
    }
    return s.toString();
  }
}

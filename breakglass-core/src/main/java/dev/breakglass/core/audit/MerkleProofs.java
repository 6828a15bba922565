package dev.breakglass.core.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing (SHA-256) and offline verification of inclusion and
 * consistency proofs. Needs nothing but the proof, the hashes and the tree sizes: a reviewer who
 * holds a signed {@link Checkpoint} can check a proof produced by {@link AuditLogProofs} without
 * access to the log.
 *
 * <p>Hashing: leaf = {@code SHA-256(0x00 || record)}, node = {@code SHA-256(0x01 || left || right)},
 * empty tree = {@code SHA-256("")}.
 *
 * <p>The verifiers never throw on malformed proofs (wrong hash lengths, wrong sizes, extra or
 * missing components): they return {@code false}. They throw {@link NullPointerException} only for
 * null arguments. Thread-safe (stateless).
 */
public final class MerkleProofs {
  /** Length of every hash, in bytes. */
  public static final int HASH_LENGTH = 32;

  private static final byte[] EMPTY_ROOT = sha256().digest();

  private MerkleProofs() {}

  /** The root of the empty tree, {@code SHA-256("")}. */
  public static byte[] emptyRoot() {
    return EMPTY_ROOT.clone();
  }

  /** The leaf hash of a record: {@code SHA-256(0x00 || record)}. */
  public static byte[] leafHash(byte[] record) {
    return leafHash(sha256(), record, 0, record.length);
  }

  /** The interior node hash: {@code SHA-256(0x01 || left || right)}. */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    return nodeHash(sha256(), left, right);
  }

  /** The root hash of the tree whose leaves are {@code records}, in order. */
  public static byte[] rootOf(List<byte[]> records) {
    MerkleFrontier f = new MerkleFrontier();
    for (byte[] r : records) {
      f.appendLeaf(r, 0, r.length);
    }
    return f.root();
  }

  /**
   * Verifies that {@code leafHash} is leaf number {@code index} of the tree of {@code treeSize}
   * leaves whose root is {@code root} (RFC 9162 section 2.1.3.2).
   */
  public static boolean verifyInclusion(long index, long treeSize, byte[] leafHash, List<byte[]> proof,
      byte[] root) {
    byte[] computed = rootFromInclusion(index, treeSize, leafHash, proof);
    return computed != null && MessageDigest.isEqual(computed, checkedHash(root));
  }

  /**
   * Verifies that the tree of {@code size2} leaves with root {@code root2} extends the tree of
   * {@code size1} leaves with root {@code root1}: the larger log contains the smaller one unchanged
   * as its prefix (RFC 9162 section 2.1.4.2). Follows transparency-dev/merkle {@code proof/verify.go}:
   * a proof from the empty tree ({@code size1 == 0}) is always rejected, because it proves nothing;
   * equal sizes need an empty proof and byte-for-byte equal roots (of any length, as upstream).
   */
  public static boolean verifyConsistency(long size1, long size2, byte[] root1, byte[] root2,
      List<byte[]> proof) {
    if (size1 <= 0 || size2 < size1) {
      return false;
    }
    if (size1 == size2) {
      return proof.isEmpty() && root1 != null && root2 != null && MessageDigest.isEqual(root1, root2);
    }
    if (!allHashes(proof)) {
      return false;
    }
    byte[] r1 = checkedHash(root1);
    byte[] r2 = checkedHash(root2);
    if (proof.isEmpty() || r1 == null || r2 == null) {
      return false;
    }
    List<byte[]> p = proof;
    if (Long.bitCount(size1) == 1) {
      // The old tree is a complete subtree of the new one: its root is the proof's implicit first node.
      p = new ArrayList<>(proof.size() + 1);
      p.add(r1);
      p.addAll(proof);
    }
    MessageDigest md = sha256();
    long fn = size1 - 1;
    long sn = size2 - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    byte[] fr = p.get(0);
    byte[] sr = p.get(0);
    for (int i = 1; i < p.size(); i++) {
      byte[] c = p.get(i);
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(md, c, fr);
        sr = nodeHash(md, c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        sr = nodeHash(md, sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(fr, r1) && MessageDigest.isEqual(sr, r2);
  }

  /** The root implied by an inclusion proof, or {@code null} if the proof is malformed. */
  static byte[] rootFromInclusion(long index, long treeSize, byte[] leafHash, List<byte[]> proof) {
    if (index < 0 || treeSize <= 0 || index >= treeSize || checkedHash(leafHash) == null
        || !allHashes(proof)) {
      return null;
    }
    MessageDigest md = sha256();
    long fn = index;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        return null;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(md, p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        r = nodeHash(md, r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 ? r : null;
  }

  private static boolean allHashes(List<byte[]> proof) {
    for (byte[] h : proof) {
      if (h == null || h.length != HASH_LENGTH) {
        return false;
      }
    }
    return true;
  }

  private static byte[] checkedHash(byte[] h) {
    return h != null && h.length == HASH_LENGTH ? h : null;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  static byte[] leafHash(MessageDigest md, byte[] record, int offset, int length) {
    md.update((byte) 0);
    md.update(record, offset, length);
    return md.digest();
  }

  static byte[] nodeHash(MessageDigest md, byte[] left, byte[] right) {
    md.update((byte) 1);
    md.update(left);
    md.update(right);
    return md.digest();
  }
}

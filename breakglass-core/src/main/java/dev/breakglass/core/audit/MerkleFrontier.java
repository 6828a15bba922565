package dev.breakglass.core.audit;

import java.security.MessageDigest;

/**
 * The right edge of an RFC 6962 Merkle tree: the roots of the perfect subtrees that make up a tree
 * of {@code size} leaves (one per set bit of {@code size}, at most 64 hashes). Enough to append
 * leaves and compute the root without holding the tree.
 *
 * <p>Not thread-safe: the owner serializes access.
 */
final class MerkleFrontier {
  private final MessageDigest sha256 = MerkleProofs.sha256();
  private final byte[][] stack = new byte[64][];
  private int depth;
  private long size;

  /** The number of leaves appended so far. */
  long size() {
    return size;
  }

  /** Appends a leaf by its leaf hash ({@code H(0x00 || record)}); the hash is not copied. */
  void appendLeafHash(byte[] leafHash) {
    byte[] h = leafHash;
    // Each trailing one bit of size is a complete subtree that now gets a right sibling.
    for (long s = size; (s & 1) == 1; s >>>= 1) {
      h = MerkleProofs.nodeHash(sha256, stack[--depth], h);
      stack[depth] = null;
    }
    stack[depth++] = h;
    size++;
  }

  /** Appends a leaf by its record bytes. */
  void appendLeaf(byte[] record, int offset, int length) {
    appendLeafHash(MerkleProofs.leafHash(sha256, record, offset, length));
  }

  /** The root hash of the tree of {@link #size()} leaves (the empty-tree hash when empty). */
  byte[] root() {
    if (depth == 0) {
      return MerkleProofs.emptyRoot();
    }
    byte[] r = stack[depth - 1];
    for (int i = depth - 2; i >= 0; i--) {
      r = MerkleProofs.nodeHash(sha256, stack[i], r);
    }
    return r == stack[depth - 1] ? r.clone() : r;
  }

  @Override
  public String toString() {
    return "MerkleFrontier[size=" + size + ", hashes=" + depth + "]";
  }

}

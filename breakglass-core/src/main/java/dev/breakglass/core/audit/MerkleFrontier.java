package dev.breakglass.core.audit;

import java.security.MessageDigest;

/**
 * The right edge of an RFC 6962 Merkle tree: the roots of the perfect subtrees that make up a tree
 * of {@code size} leaves (one per set bit of {@code size}, at most 64 hashes). Enough to append
 * leaves and compute the root without holding the tree.
 *
 * <p>A log kept elsewhere (a database shared by several instances) stores the frontier with its
 * head, {@link #toBytes()} and {@link #fromBytes}, so whichever instance appends next continues the
 * same tree without reading the records.
 *
 * <p>Not thread-safe: the owner serializes access.
 */
public final class MerkleFrontier {
  private final MessageDigest sha256 = MerkleProofs.sha256();
  private final byte[][] stack = new byte[64][];
  private int depth;
  private long size;

  /** An empty tree. */
  public MerkleFrontier() {}

  /**
   * The frontier of a tree of {@code size} leaves saved by {@link #toBytes()}.
   *
   * @throws IllegalArgumentException if {@code hashes} does not hold exactly one 32-byte hash per
   *     set bit of {@code size}
   */
  public static MerkleFrontier fromBytes(long size, byte[] hashes) {
    if (size < 0) {
      throw new IllegalArgumentException("Merkle tree size is negative: " + size);
    }
    int n = Long.bitCount(size);
    if (hashes.length != n * MerkleProofs.HASH_LENGTH) {
      throw new IllegalArgumentException("a Merkle frontier of " + size + " leaves needs " + n + " hashes ("
          + n * MerkleProofs.HASH_LENGTH + " bytes), got " + hashes.length + " bytes");
    }
    MerkleFrontier f = new MerkleFrontier();
    for (int i = 0; i < n; i++) {
      f.stack[i] = java.util.Arrays.copyOfRange(hashes, i * MerkleProofs.HASH_LENGTH, (i + 1) * MerkleProofs.HASH_LENGTH);
    }
    f.depth = n;
    f.size = size;
    return f;
  }

  /** The frontier's hashes, largest subtree first, for {@link #fromBytes}. */
  public byte[] toBytes() {
    byte[] out = new byte[depth * MerkleProofs.HASH_LENGTH];
    for (int i = 0; i < depth; i++) {
      System.arraycopy(stack[i], 0, out, i * MerkleProofs.HASH_LENGTH, MerkleProofs.HASH_LENGTH);
    }
    return out;
  }

  /** The number of leaves appended so far. */
  public long size() {
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

  /** Appends a leaf by its record bytes (the canonical record, hashed as an RFC 6962 leaf). */
  public void appendLeaf(byte[] record) {
    appendLeaf(record, 0, record.length);
  }

  /** Appends a leaf by its record bytes. */
  void appendLeaf(byte[] record, int offset, int length) {
    appendLeafHash(MerkleProofs.leafHash(sha256, record, offset, length));
  }

  /** The root hash of the tree of {@link #size()} leaves (the empty-tree hash when empty). */
  public byte[] root() {
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

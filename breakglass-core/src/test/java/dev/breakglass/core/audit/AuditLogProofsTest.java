package dev.breakglass.core.audit;

import static dev.breakglass.core.audit.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proofs made from a real log verify offline against its signed checkpoints with only the public
 * key, for every record and every pair of sizes of a small log, and fail for the wrong record,
 * checkpoint or key.
 */
class AuditLogProofsTest {
  static final AuditSigningKey KEY = AuditSigningKey.generate();
  static final int N = 21;

  @TempDir static Path dir;
  static final List<Checkpoint> checkpoints = new ArrayList<>();
  static final List<byte[]> records = new ArrayList<>();

  @BeforeAll
  static void writeLogWithACheckpointAfterEveryRecord() {
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(dir).signingKey(KEY).checkpointEveryRecords(1)
        .maxSegmentBytes(4096).backgroundCheckpoints(false).build()) {
      for (int i = 0; i < N; i++) {
        log.append(event(i));
        records.add(AuditEventCodec.encode(i, event(i)));
        checkpoints.add(log.latestCheckpoint());
      }
    }
  }

  static Checkpoint checkpointOfSize(long size) {
    return checkpoints.get((int) size - 1);
  }

  @Test
  void everyRecordHasAnInclusionProofAgainstEveryLaterCheckpoint() {
    for (long size = 1; size <= N; size++) {
      Checkpoint cp = checkpointOfSize(size);
      assertThat(cp.treeSize()).isEqualTo(size);
      for (long i = 0; i < size; i++) {
        AuditLogProofs.InclusionProof p = AuditLogProofs.inclusionProof(dir, i, size);
        assertThat(p.record()).isEqualTo(records.get((int) i));
        assertThat(p.verify(cp, KEY.publicKey())).as("record %d in tree of %d", i, size).isTrue();
      }
    }
  }

  @Test
  void inclusionProofFailsForAnotherRecordCheckpointOrKey() {
    AuditLogProofs.InclusionProof p = AuditLogProofs.inclusionProof(dir, 5, 13);
    assertThat(p.verify(checkpointOfSize(12), KEY.publicKey())).isFalse();
    assertThat(p.verify(checkpointOfSize(13), AuditSigningKey.generate().publicKey())).isFalse();
    AuditLogProofs.InclusionProof other = new AuditLogProofs.InclusionProof(5, 13, records.get(6), p.path());
    assertThat(other.verify(checkpointOfSize(13), KEY.publicKey())).isFalse();
  }

  @Test
  void everyPairOfCheckpointsHasAConsistencyProof() {
    for (long m = 1; m <= N; m++) {
      for (long n = m; n <= N; n++) {
        AuditLogProofs.ConsistencyProof p = AuditLogProofs.consistencyProof(dir, m, n);
        assertThat(p.verify(checkpointOfSize(m), checkpointOfSize(n), KEY.publicKey()))
            .as("consistency %d -> %d", m, n).isTrue();
      }
    }
  }

  @Test
  void consistencyProofFailsAgainstACheckpointOfAnotherLog() {
    AuditLogProofs.ConsistencyProof p = AuditLogProofs.consistencyProof(dir, 7, 20);
    List<byte[]> forgedRecords = new ArrayList<>(records.subList(0, 7));
    forgedRecords.set(3, AuditEventCodec.encode(3, event(99)));
    Checkpoint forged = Checkpoint.signVersion1(7, MerkleProofs.rootOf(forgedRecords), checkpointOfSize(7).time(), KEY);
    assertThat(p.verify(forged, checkpointOfSize(20), KEY.publicKey())).isFalse();
    assertThat(p.verify(checkpointOfSize(7), checkpointOfSize(20), KEY.publicKey())).isTrue();
  }

  @Test
  void proofsForSizesTheLogDoesNotHaveAreRefused() {
    assertThatThrownBy(() -> AuditLogProofs.inclusionProof(dir, 3, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not below tree size");
    assertThatThrownBy(() -> AuditLogProofs.inclusionProof(dir, 3, N + 5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than");
    assertThatThrownBy(() -> AuditLogProofs.consistencyProof(dir, 5, 4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void checkpointTextRoundTripsAndRejectsNonCanonicalForms() {
    Checkpoint cp = checkpointOfSize(9);
    assertThat(Checkpoint.parse(cp.toText())).isEqualTo(cp);
    assertThat(Checkpoint.parse(cp.toText()).verifySignature(KEY.publicKey())).isTrue();
    assertThatThrownBy(() -> Checkpoint.parse(cp.toText().replace("size 9", "size 09")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("canonical");
    assertThatThrownBy(() -> Checkpoint.parse(cp.toText().trim())).hasMessageContaining("newline");
    assertThatThrownBy(() -> Checkpoint.parse("hello\n")).hasMessageContaining("not a checkpoint");
  }

  @Test
  void publicKeyTextRoundTripsAndBadKeysAreNamed() {
    AuditPublicKey k = KEY.publicKey();
    assertThat(AuditPublicKey.parse(k.toText())).isEqualTo(k);
    assertThat(AuditPublicKey.parse(k.toText()).keyId()).isEqualTo(KEY.keyId()).hasSize(16);
    assertThatThrownBy(() -> AuditPublicKey.parse("nope")).hasMessageContaining("not a breakglass audit public key");
    assertThatThrownBy(() -> AuditPublicKey.fromRaw(new byte[31])).hasMessageContaining("31");
    assertThat(KEY.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(k.raw()).substring(0, 8))
        .contains("redacted");
  }

  @Test
  void anEmptyOrEqualOlderTreeNeedsNoHashes() {
    AuditLogProofs.ConsistencyProof fromEmpty = AuditLogProofs.consistencyProof(dir, 0, 9);
    assertThat(fromEmpty.path()).isEmpty();
    assertThat(fromEmpty).hasToString("ConsistencyProof[0 -> 9, path=[]]");
    AuditLogProofs.ConsistencyProof same = AuditLogProofs.consistencyProof(dir, 9, 9);
    assertThat(same.path()).isEmpty();
    assertThat(same.verify(checkpointOfSize(9), checkpointOfSize(9), KEY.publicKey())).isTrue();
    assertThat(AuditLogProofs.consistencyProof(dir, 0, 0).path()).isEmpty();
    assertThatThrownBy(() -> AuditLogProofs.consistencyProof(dir, -1, 3))
        .hasMessage("need 0 <= size1 <= size2, got -1 and 3");
    assertThatThrownBy(() -> AuditLogProofs.inclusionProof(dir, -1, 3))
        .hasMessage("record index -1 is not below tree size 3");
  }

  @Test
  void aProofsHashesAndRecordAreCopiedAndPrintedInBase64() {
    AuditLogProofs.InclusionProof p = AuditLogProofs.inclusionProof(dir, 2, 5);
    assertThat(p.path()).hasSize(3);
    List<String> hashes = p.path().stream().map(h -> java.util.Base64.getEncoder().encodeToString(h)).toList();
    assertThat(p).hasToString("InclusionProof[index=2, treeSize=5, path=" + hashes + "]");
    p.path().get(0)[0] ^= 1;
    p.record()[0] ^= 1;
    assertThat(p.verify(checkpointOfSize(5), KEY.publicKey())).isTrue();
    AuditLogProofs.ConsistencyProof c = AuditLogProofs.consistencyProof(dir, 3, 7);
    assertThat(c.path()).isNotEmpty();
    c.path().get(0)[0] ^= 1;
    assertThat(c.verify(checkpointOfSize(3), checkpointOfSize(7), KEY.publicKey())).isTrue();
    assertThat(c.toString()).startsWith("ConsistencyProof[3 -> 7, path=[");
    assertThat(c.verify(checkpointOfSize(4), checkpointOfSize(7), KEY.publicKey())).isFalse();
    assertThat(c.verify(checkpointOfSize(3), checkpointOfSize(8), KEY.publicKey())).isFalse();
  }

  @Test
  void aFrontierSavedAndRestoredHasTheSameRootAndGrowsOnTheSame() {
    MerkleFrontier grown = new MerkleFrontier();
    assertThat(grown.root()).isEqualTo(MerkleProofs.emptyRoot());
    for (int size = 0; size <= N; size++) {
      MerkleFrontier restored = MerkleFrontier.fromBytes(size, grown.toBytes());
      assertThat(restored.size()).isEqualTo(size);
      assertThat(restored.root()).as("size %d", size).isEqualTo(grown.root())
          .isEqualTo(MerkleProofs.rootOf(records.subList(0, size)));
      assertThat(restored).hasToString("MerkleFrontier[size=" + size + ", hashes=" + Long.bitCount(size) + "]");
      if (size < N) {
        restored.appendLeaf(records.get(size));
        grown.appendLeaf(records.get(size));
        assertThat(restored.root()).isEqualTo(grown.root());
      }
    }
    assertThatThrownBy(() -> MerkleFrontier.fromBytes(-1, new byte[0])).hasMessage("Merkle tree size is negative: -1");
    assertThatThrownBy(() -> MerkleFrontier.fromBytes(3, new byte[32]))
        .hasMessage("a Merkle frontier of 3 leaves needs 2 hashes (64 bytes), got 32 bytes");
  }

  @Test
  void theRootCannotBeChangedThroughTheArrayItReturns() {
    for (int size : new int[] {1, 2, 3, 4}) {
      MerkleFrontier f = new MerkleFrontier();
      records.subList(0, size).forEach(f::appendLeaf);
      byte[] root = f.root();
      root[0] ^= 1;
      assertThat(f.root()).as("size %d", size).isEqualTo(MerkleProofs.rootOf(records.subList(0, size)));
    }
  }
}

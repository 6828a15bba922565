package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules that link a log's checkpoints, one by one, and the public key they are checked with. */
class CheckpointChainTest {
  static final AuditSigningKey KEY = AuditSigningKey.generate();
  static final AuditSigningKey OTHER = AuditSigningKey.generate();
  static final String LOG = "0123456789abcdef0123456789abcdef";
  static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

  static Checkpoint cp(long previous, long size, Instant time) {
    return Checkpoint.sign(LOG, previous, size, new byte[32], time, KEY);
  }

  @Test
  void aWellLinkedChainIsAcceptedAndRemembersItsLastCheckpointAndLog() {
    CheckpointChain chain = CheckpointChain.signedBy(KEY.publicKey());
    assertThat(chain.last()).isNull();
    assertThat(chain.logId()).isNull();
    Checkpoint a = cp(Checkpoint.NO_PREVIOUS, 0, T);
    Checkpoint b = cp(0, 3, T);
    Checkpoint c = cp(3, 4, T.plusSeconds(1));
    assertThat(chain.accept(a)).isNull();
    assertThat(chain.logId()).isEqualTo(LOG);
    assertThat(chain.accept(b)).isNull();
    assertThat(chain.accept(c)).isNull();
    assertThat(chain.last()).isSameAs(c);
  }

  /** A chain that has accepted checkpoints of 0 records at T and of 3 records at T+5s. */
  static CheckpointChain chainAfterTwo() {
    CheckpointChain chain = CheckpointChain.signedBy(KEY.publicKey());
    assertThat(chain.accept(cp(Checkpoint.NO_PREVIOUS, 0, T))).isNull();
    assertThat(chain.accept(cp(0, 3, T.plusSeconds(5)))).isNull();
    return chain;
  }

  static void refused(Checkpoint c, String problem) {
    CheckpointChain chain = chainAfterTwo();
    Checkpoint before = chain.last();
    assertThat(chain.accept(c)).isEqualTo(problem);
    assertThat(chain.last()).as("a refused checkpoint is not the chain's last").isSameAs(before);
  }

  @Test
  void everyBrokenLinkIsNamedAndLeavesTheChainAsItWas() {
    String other = "ffffffffffffffffffffffffffffffff";
    refused(cp(0, 3, T.plusSeconds(6)),
        "checkpoint covers 3 records, no more than the checkpoint before it (3): signed sizes only grow");
    refused(cp(0, 2, T.plusSeconds(6)),
        "checkpoint covers 2 records, no more than the checkpoint before it (3): signed sizes only grow");
    refused(cp(3, 4, T.plusSeconds(4)), "checkpoint time goes backwards");
    refused(cp(2, 4, T.plusSeconds(6)), "checkpoint says the checkpoint before it covered 2 records, but the one"
        + " before it covers 3: a checkpoint is missing");
    refused(cp(Checkpoint.NO_PREVIOUS, 4, T.plusSeconds(6)),
        "checkpoint says it is the first of its log, but a checkpoint of 3 records precedes it");
    refused(Checkpoint.sign(LOG, 3, 4, new byte[32], T.plusSeconds(6), OTHER), "checkpoint is signed by key "
        + OTHER.keyId() + ", but the log's signing key is " + KEY.keyId() + ": the signing key changed");
    refused(new Checkpoint(4, new byte[32], T.plusSeconds(6), KEY.keyId(), new byte[64], LOG, 3),
        "checkpoint signature is invalid");
    refused(Checkpoint.sign(other, 3, 4, new byte[32], T.plusSeconds(6), KEY),
        "checkpoint names log " + other + ", but this log is " + LOG + ": a checkpoint of another log");
    refused(Checkpoint.signVersion1(4, new byte[32], T.plusSeconds(6), KEY), "checkpoint names no log id (format"
        + " v1) but follows checkpoints of log " + LOG + ": a checkpoint was replaced");
  }

  @Test
  void theSameTimeAsTheCheckpointBeforeIsNotGoingBackwards() {
    CheckpointChain chain = chainAfterTwo();
    Checkpoint same = cp(3, 4, T.plusSeconds(5));
    assertThat(chain.accept(same)).isNull();
    assertThat(chain.last()).isSameAs(same);
  }

  @Test
  void aFirstCheckpointThatNamesAPredecessorIsMissingOne() {
    CheckpointChain chain = CheckpointChain.signedBy(KEY.publicKey());
    assertThat(chain.accept(cp(0, 3, T))).isEqualTo("checkpoint says the checkpoint before it covered 0 records,"
        + " but none precedes it: a checkpoint is missing");
    assertThat(chain.last()).isNull();
    assertThat(chain.logId()).isNull();
  }

  @Test
  void versionOneCheckpointsMayPrecedeTheFirstVersionTwo() {
    CheckpointChain chain = CheckpointChain.signedBy(KEY.publicKey());
    assertThat(chain.accept(Checkpoint.signVersion1(2, new byte[32], T, KEY))).isNull();
    assertThat(chain.logId()).isNull();
    assertThat(chain.logIdProblem(cp(2, 3, T))).isNull();
    assertThat(chain.accept(cp(2, 3, T))).isNull();
    assertThat(chain.logId()).isEqualTo(LOG);
  }

  @Test
  void aVerifierTrustsEveryKeyItWasGivenAndNamesOthers() {
    CheckpointChain chain = CheckpointChain.trusting(Map.of(KEY.keyId(), KEY.publicKey(),
        OTHER.keyId(), OTHER.publicKey()));
    assertThat(chain.accept(cp(Checkpoint.NO_PREVIOUS, 0, T))).isNull();
    assertThat(chain.accept(Checkpoint.sign(LOG, 0, 2, new byte[32], T, OTHER))).isNull();
    AuditSigningKey stranger = AuditSigningKey.generate();
    assertThat(chain.accept(Checkpoint.sign(LOG, 2, 3, new byte[32], T, stranger)))
        .isEqualTo("checkpoint signed by untrusted key " + stranger.keyId());
  }

  @Test
  void newLogIdsAreRandom32HexDigits() {
    String a = CheckpointChain.newLogId();
    assertThat(a).matches("[0-9a-f]{32}").isNotEqualTo(CheckpointChain.newLogId());
  }

  @Test
  void aPublicKeyIsAValueNamedByItsHash() throws Exception {
    AuditPublicKey k = KEY.publicKey();
    byte[] raw = k.raw();
    String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw), 0, 8);
    assertThat(k.keyId()).isEqualTo(id);
    assertThat(k).hasToString("AuditPublicKey[" + id + "]");
    assertThat(AuditPublicKey.fromRaw(raw)).isEqualTo(k).hasSameHashCodeAs(k);
    assertThat(AuditPublicKey.parse(k.toText())).isEqualTo(k);
    assertThat(k).isNotEqualTo(OTHER.publicKey()).isNotEqualTo(raw);
    assertThat(k.hashCode()).isNotEqualTo(OTHER.publicKey().hashCode());
    raw[0] ^= 1;
    assertThat(k.raw()[0]).isNotEqualTo(raw[0]);
    byte[] msg = {1, 2, 3};
    byte[] sig = KEY.sign(msg);
    assertThat(k.verify(msg, sig)).isTrue();
    assertThat(k.verify(new byte[] {1, 2, 4}, sig)).isFalse();
    assertThat(k.verify(msg, java.util.Arrays.copyOf(sig, 63))).isFalse();
    assertThat(k.verify(msg, null)).isFalse();
    assertThat(OTHER.publicKey().verify(msg, sig)).isFalse();
  }
}

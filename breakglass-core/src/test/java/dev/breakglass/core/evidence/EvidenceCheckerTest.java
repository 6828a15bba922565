package dev.breakglass.core.evidence;

import static dev.breakglass.core.evidence.HandWrittenDrillLog.CAROL;
import static dev.breakglass.core.evidence.HandWrittenDrillLog.CAROL_PAIR;
import static dev.breakglass.core.evidence.HandWrittenDrillLog.DAVE;
import static dev.breakglass.core.evidence.HandWrittenDrillLog.DAVE_PAIR;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.core.audit.AuditLogProofs;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A pack of a drill from a log written record by record, checked whole and changed part by part
 * (and signed again where the change must get past the signature): each failure is named, what
 * the check was given to trust is reported, and no damaged part stops the check of the others.
 */
class EvidenceCheckerTest {
  @TempDir Path dir;
  HandWrittenDrillLog log;
  Checkpoint covering;
  Path pack;
  AuditPublicKey key;

  /** Keys of carol and dave, then the drill: start, request, an alert, two signed approvals, completion. */
  @BeforeEach
  void writeDrill() {
    log = new HandWrittenDrillLog(dir.resolve("audit"));
    log.register(CAROL);
    log.register(DAVE);
    log.start();
    log.alertDelivered();
    log.approve(CAROL, CAROL_PAIR);
    log.approve(DAVE, DAVE_PAIR);
    log.complete();
    covering = log.checkpoint();
    pack = log.export(dir.resolve("drills")).pack();
    key = log.key.publicKey();
  }

  @AfterEach
  void closeLog() {
    log.close();
  }

  static String where(int record, long index, String type) {
    return "record " + record + " of 6 (log index " + index + ", " + type + ")";
  }

  @Test
  void theWholePackVerifiesUnderItsKeyWithEveryRecordAboutTheDrill() {
    DrillEvidence.Verification v = DrillEvidence.verify(pack, key);
    assertThat(v.failures()).isEmpty();
    assertThat(v.valid()).isTrue();
    assertThat(v.records()).isEqualTo(6);
    assertThat(v.keyId()).isEqualTo(key.keyId());
    assertThat(v.checkpoint()).isEqualTo(covering);
    assertThat(v.signedDecisions()).isEqualTo(2);
    assertThat(v.custodianKeys()).containsExactly("carol " + CAROL.keyId(), "dave " + DAVE.keyId());
    assertThat(DrillEvidence.verify(pack, null).keyId()).as("the pack's own key").isEqualTo(key.keyId());
  }

  @Test
  void aPackCutShortIsNamedAsMalformedAndSaysWhatItWasGivenToTrust() throws IOException {
    byte[] whole = Files.readAllBytes(pack);
    Path cut = dir.resolve("cut.evidence.json");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));

    DrillEvidence.Verification trusting = DrillEvidence.verify(cut, key, covering, null);
    assertThat(trusting.valid()).isFalse();
    assertThat(trusting.failures()).singleElement().satisfies(f -> assertThat(f)
        .startsWith("JSON: the pack is not well-formed (").endsWith("): it was altered or cut after it was written"));
    assertThat(trusting.keyTrusted()).isTrue();
    assertThat(trusting.checkpointTrusted()).isTrue();
    assertThat(trusting.records()).isZero();

    DrillEvidence.Verification alone = DrillEvidence.verify(cut, null, null, null);
    assertThat(alone.valid()).isFalse();
    assertThat(alone.keyTrusted()).isFalse();
    assertThat(alone.checkpointTrusted()).isFalse();
  }

  @Test
  void theKeyReportedIsTheTrustedOneWhenThePackCarriesAnotherOrAnUnusableKey() throws IOException {
    AuditPublicKey other = AuditSigningKey.generate().publicKey();
    DrillEvidence.Verification foreign = DrillEvidence.verify(pack, other);
    assertThat(foreign.keyId()).isEqualTo(other.keyId());
    assertThat(foreign.failures()).contains(
        "key: the pack is signed by key " + key.keyId() + ", not by the trusted key " + other.keyId(),
        "signature: the pack's bytes do not match its signature by key " + other.keyId()
            + " (it was changed after it was signed)");

    Path unusable = log.resigned(pack, root -> root.put("publicKey", "AAAA"));
    DrillEvidence.Verification trusted = DrillEvidence.verify(unusable, key);
    assertThat(trusted.keyId()).as("everything else is checked with the trusted key").isEqualTo(key.keyId());
    assertThat(trusted.failures()).singleElement().satisfies(f -> assertThat(f)
        .startsWith("key: the pack's public key is unusable ("));
    assertThat(trusted.signedDecisions()).isEqualTo(2);

    DrillEvidence.Verification untrusted = DrillEvidence.verify(unusable, null);
    assertThat(untrusted.keyId()).isNull();
    assertThat(untrusted.failures()).as("without a key nothing signed can be checked, and nothing crashes")
        .singleElement().satisfies(f -> assertThat(f).startsWith("key: the pack's public key is unusable ("));
    assertThat(untrusted.records()).isEqualTo(6);
  }

  @Test
  void aPackOfAnotherVersionWhoseKeyIsUnusableIsAFailureNotARefusal() throws IOException {
    Path v2 = log.resigned(pack, root -> root.put("version", 2).put("publicKey", "AAAA"));
    DrillEvidence.Verification v = DrillEvidence.verify(v2, key);
    assertThat(v.valid()).isFalse();
    assertThat(v.failures()).contains("version: the pack says 2, not 1")
        .anySatisfy(f -> assertThat(f).startsWith("key: the pack's public key is unusable ("));
  }

  @Test
  void aPackWithoutRecordsIsNamedAndProvesNothing() throws IOException {
    Path empty = log.resigned(pack, root -> root.putArray("records"));
    DrillEvidence.Verification v = DrillEvidence.verify(empty, key);
    assertThat(v.valid()).isFalse();
    assertThat(v.records()).isZero();
    assertThat(v.failures()).containsExactly("records: the pack holds no records", "records: the drill has no records");
  }

  @Test
  void aRecordWhoseProofIsNotBase64IsStillReadAndNamed() throws IOException {
    Path changed = log.resigned(pack, root -> ((ObjectNode) root.path("records").get(0)).putArray("proof").add("***"));
    DrillEvidence.Verification v = DrillEvidence.verify(changed, key);
    assertThat(v.failures()).containsExactly(where(1, 2, "DRILL_STARTED") + ": its inclusion proof is not base64");
    assertThat(v.records()).isEqualTo(6);
    assertThat(v.outcome()).isEqualTo("passed");
  }

  @Test
  void aPackThatNamesAnotherDrillNamesEveryRecordThatIsNotAboutIt() throws IOException {
    Path other = log.resigned(pack, root -> root.put("drillId", "bg-drill-other"));
    List<String> failures = DrillEvidence.verify(other, key).failures();
    String[] types = {"DRILL_STARTED", "ACCESS_REQUESTED", "ALERT_DELIVERED", "APPROVAL_ACCEPTED", "APPROVAL_ACCEPTED",
        "DRILL_COMPLETED"};
    assertThat(failures).containsExactlyElementsOf(IntStream.range(0, 6).mapToObj(i -> where(i + 1, i + 2, types[i])
        + ": the record is not about drill bg-drill-other").toList());
  }

  @Test
  void aCustodianKeyThatDisagreesWithItsRecordIsNamedByItsPlaceInThePack() throws IOException {
    Path changed = log.resigned(pack, root -> ((ObjectNode) root.path("custodianKeys").get(1))
        .put("keyId", "ecdsa-p256:forged"));
    DrillEvidence.Verification v = DrillEvidence.verify(changed, key);
    assertThat(v.failures()).contains("custodian key 2 of 2 (dave, ecdsa-p256:forged, log index 1): its custodian, "
        + "key id or kind does not match the record (dave, " + DAVE.keyId() + ", ecdsa-p256)");
    assertThat(v.failures()).anySatisfy(f -> assertThat(f).startsWith(where(5, 6, "APPROVAL_ACCEPTED")
        + ": dave's signed decision does not re-verify (KEY_NOT_REGISTERED)"));
    assertThat(v.custodianKeys()).containsExactly("carol " + CAROL.keyId());
  }

  /** Log: the drill, a checkpoint of 8 records, then 9 (kept) and 10 (the newest) records. */
  Path grownPack() {
    log.remove(DAVE);
    log.checkpoint();
    log.register(DAVE);
    log.checkpoint();
    return log.export(dir.resolve("later")).pack();
  }

  @Test
  void aLaterCheckpointMustBeReadableAndProvenToExtendTheDrillsCheckpoint() throws IOException {
    Path grown = grownPack();
    assertThat(DrillEvidence.verify(grown, key).failures()).isEmpty();

    Path altered = log.resigned(grown, root -> {
      ArrayNode proof = root.putArray("consistencyProof");
      proof.add(Base64.getEncoder().encodeToString(new byte[32]));
    });
    assertThat(DrillEvidence.verify(altered, key).failures()).containsExactly("later checkpoint: its log of 10 "
        + "records is not proven to extend the drill's checkpoint of 8 records (the checkpoint or the consistency "
        + "proof was altered)");

    Path unreadable = log.resigned(grown, root -> root.put("laterCheckpoint", "not a checkpoint"));
    assertThat(DrillEvidence.verify(unreadable, key).failures()).singleElement()
        .satisfies(f -> assertThat(f).startsWith("later checkpoint: "));
    Path notBase64 = log.resigned(grown, root -> root.putArray("consistencyProof").add("***"));
    assertThat(DrillEvidence.verify(notBase64, key).failures()).singleElement()
        .satisfies(f -> assertThat(f).startsWith("later checkpoint: "));
  }

  @Test
  void withoutADrillCheckpointOrAKeyTheLaterCheckpointIsNotCheckedAndNothingCrashes() throws IOException {
    Path grown = grownPack();
    Path noCheckpoint = log.resigned(grown, root -> root.put("checkpoint", "not a checkpoint"));
    DrillEvidence.Verification v = DrillEvidence.verify(noCheckpoint, key);
    assertThat(v.failures()).singleElement().satisfies(f -> assertThat(f).startsWith("checkpoint: "));
    assertThat(v.checkpoint()).isNull();
    assertThat(v.records()).isEqualTo(6);

    Path noKey = log.resigned(grown, root -> root.put("publicKey", "AAAA"));
    assertThat(DrillEvidence.verify(noKey, null).failures()).singleElement()
        .satisfies(f -> assertThat(f).startsWith("key: the pack's public key is unusable ("));
  }

  @Test
  void aKeptCheckpointOfAnotherSizeNamesTheCheckpointsThePackIsProvenAgainst() throws IOException {
    Path grown = grownPack();
    Checkpoint nine = Checkpoint.sign(covering.logId(), 8, 9, new byte[32], covering.time(), log.key);
    String cannotProve = ", so the pack cannot prove it offline; give the checkpoint kept when the drill ended, or "
        + "verify the log itself with 'breakglass verify DIR --checkpoint FILE'";
    assertThat(DrillEvidence.verify(grown, key, nine, null).failures()).containsExactly("kept checkpoint: it covers 9 "
        + "records, but the pack is proven against the checkpoints of 8 and 10 records" + cannotProve);
    assertThat(DrillEvidence.verify(pack, key, nine, null).failures()).containsExactly("kept checkpoint: it covers 9 "
        + "records, but the pack is proven against the checkpoints of 8 records" + cannotProve);

    Path noCheckpoint = log.resigned(grown, root -> root.put("checkpoint", "not a checkpoint"));
    assertThat(DrillEvidence.verify(noCheckpoint, key, nine, null).failures()).hasSize(2)
        .contains("kept checkpoint: it covers 9 records, but the pack is proven against no checkpoint" + cannotProve);
  }

  @Test
  void aKeyRegisteredOnlyAfterTheDecisionDoesNotVouchForItEvenWhenThePackCarriesIt() throws IOException {
    HandWrittenDrillLog late = new HandWrittenDrillLog(dir.resolve("late-audit"));
    try (late) {
      late.start();
      late.approve(CAROL, CAROL_PAIR);
      long registered = late.register(CAROL);
      late.complete();
      Checkpoint checkpoint = late.checkpoint();
      Path written = late.export(dir.resolve("late")).pack();
      assertThat(HandWrittenDrillLog.json(written).path("custodianKeys")).isEmpty();

      AuditLogProofs.InclusionProof proof = AuditLogProofs.inclusionProof(late.directory, registered,
          checkpoint.treeSize());
      Path carried = late.resigned(written, root -> {
        ObjectNode k = root.putArray("custodianKeys").addObject();
        k.put("custodian", "carol").put("keyId", CAROL.keyId()).put("kind", "ed25519").put("index", registered)
            .put("type", "CUSTODIAN_KEY_REGISTERED").put("time", HandWrittenDrillLog.T.plusSeconds(3).toString())
            .put("record", Base64.getEncoder().encodeToString(proof.record()));
        ArrayNode path = k.putArray("proof");
        proof.path().forEach(h -> path.add(Base64.getEncoder().encodeToString(h)));
      });
      DrillEvidence.Verification v = DrillEvidence.verify(carried, late.key.publicKey());
      assertThat(v.custodianKeys()).as("the registration itself is proven").containsExactly("carol " + CAROL.keyId());
      assertThat(v.failures()).containsExactly("record 3 of 4 (log index 2, APPROVAL_ACCEPTED): carol's signed "
          + "decision does not re-verify (KEY_NOT_REGISTERED): key " + CAROL.keyId() + " was never registered before "
          + "this decision");
      assertThat(v.signedDecisions()).isZero();
    }
  }
}

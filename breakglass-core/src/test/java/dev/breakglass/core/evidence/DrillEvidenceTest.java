package dev.breakglass.core.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.DrillResult;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.Checkpoint;
import dev.breakglass.core.rotation.SecretGenerator;
import dev.breakglass.core.rotation.VaultOnlyRotator;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A drill's evidence pack proves every drill record offline, and any changed byte fails it, by name. */
class DrillEvidenceTest {
  private static final String ACCOUNT = "prod-db-admin";

  @TempDir Path dir;
  Path data;
  DrillResult drill;
  DrillEvidence.Written written;
  AuditPublicKey publicKey;

  @BeforeEach
  void drillAndExport() throws IOException {
    data = dir.resolve("data");
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder(ACCOUNT).requesters("alice").custodians("carol", "dave").approvals(2)
            .ticketRequired(true).maxDuration(Duration.ofMinutes(30)).build())
        .build();
    char[] passphrase = "correct horse battery staple".toCharArray();
    try (EncryptedFileVault vault = EncryptedFileVault.create(dir.resolve("vault.json"), passphrase,
        Argon2Parameters.recommended())) {
      vault.write(ACCOUNT, "pre-staged-<script>-secret".toCharArray());
      try (BreakGlass breakGlass = BreakGlassEngine.builder().policy(policy).dataDirectory(data).vault(vault)
          .rotator(VaultOnlyRotator.forAnyAccount(SecretGenerator.defaults())).fingerprintKey(new byte[32])
          .background(false).build()) {
        EmergencyAccessGrant grant = breakGlass.requestDrill(AccessRequest.builder().requester("alice")
            .account(ACCOUNT).reason("quarterly drill <b>&</b>").ticket("DRILL-7").duration(Duration.ofMinutes(10))
            .build());
        breakGlass.approve(Approval.of(grant, "carol"));
        breakGlass.approve(Approval.of(grant, "dave"));
        drill = breakGlass.completeDrill(grant.id(), "alice");
        assertThat(drill.succeeded()).as(drill.detail()).isTrue();
        // While the engine runs: the drill signed a checkpoint when it ended.
        written = DrillEvidence.export(data, drill.drillId(), data.resolve(DrillEvidence.DIRECTORY));
      }
    }
    publicKey = AuditPublicKey.read(data.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE));
  }

  @Test
  void thePackProvesEveryRecordOfTheDrillAgainstASignedCheckpoint() throws IOException {
    assertThat(written.pack()).isEqualTo(data.resolve("drills").resolve(drill.drillId() + ".evidence.json"));
    assertThat(written.report()).isEqualTo(data.resolve("drills").resolve(drill.drillId() + ".html"));
    assertThat(written.passed()).isTrue();
    // the 11 records of the procedure, and the delivery records of the drill's alerts that came before the checkpoint
    assertThat(written.records()).isGreaterThanOrEqualTo(11);

    DrillEvidence.Verification v = DrillEvidence.verify(written.pack(), publicKey);
    assertThat(v.failures()).isEmpty();
    assertThat(v.valid()).isTrue();
    assertThat(v.keyTrusted()).isTrue();
    assertThat(v.drillId()).isEqualTo(drill.drillId());
    assertThat(v.account()).isEqualTo(ACCOUNT);
    assertThat(v.outcome()).isEqualTo("passed");
    assertThat(v.records()).isEqualTo(written.records());
    assertThat(v.checkpoint()).isEqualTo(written.checkpoint());

    String pack = Files.readString(written.pack());
    assertThat(pack).contains("\"format\" : \"breakglass-drill-evidence\"", "\"approvedBy\" : [ \"carol\", \"dave\" ]",
        "\"outcome\" : \"passed\"", "breakglass-audit-checkpoint v").doesNotContain("pre-staged-")
        .endsWith("\"\n}\n");
    String html = Files.readString(written.report());
    assertThat(html).contains("<title>Drill report: prod-db-admin (passed)</title>", "[drill] carol approved",
        "[drill] drill of prod-db-admin passed").doesNotContain("<b>", "\u202e");
    assertThat(DrillEvidence.verify(written.pack(), null).valid()).as("integrity with the pack's own key").isTrue();
  }

  @Test
  void theIncidentReviewOfTheLogMarksTheDrillGrantAsADrill() {
    String text = dev.breakglass.core.audit.PostIncidentReport.of(dev.breakglass.core.audit.AuditLogReader.readEvents(
        data.resolve(BreakGlassEngine.AUDIT_DIRECTORY))).toText();
    assertThat(text).contains("Grants (1 request, 1 issued, 1 of them a drill)")
        .contains(drill.drillId() + ": alice -> " + ACCOUNT + " (DRILL, never real access)");
  }

  @Test
  void everyOneByteChangeAnywhereInThePackFailsVerification() throws IOException {
    byte[] original = Files.readAllBytes(written.pack());
    Path tampered = dir.resolve("tampered.evidence.json");
    List<Integer> passed = new ArrayList<>();
    int step = Math.max(1, original.length / 400);
    for (int at = 0; at < original.length; at += step) {
      byte[] copy = original.clone();
      copy[at] ^= 0x01;
      Files.write(tampered, copy);
      DrillEvidence.Verification v = DrillEvidence.verify(tampered, publicKey, written.report());
      if (v.valid() || v.failures().isEmpty()) {
        passed.add(at);
      }
    }
    assertThat(passed).as("offsets where a changed byte went unnoticed").isEmpty();
  }

  @Test
  void aChangedRecordIsNamedWithItsPlaceAndProof() throws IOException {
    String pack = Files.readString(written.pack());
    int records = pack.indexOf("\"records\"");
    int record = pack.indexOf("\"record\" : \"", records) + "\"record\" : \"".length() + 20;
    DrillEvidence.Verification v = verifyWithByteFlipped(record);
    assertThat(v.valid()).isFalse();
    assertThat(v.failures()).anySatisfy(f -> assertThat(f).startsWith("signature:"))
        .anySatisfy(f -> assertThat(f).matches("record 1 of " + written.records()
            + " \\(log index \\d+, DRILL_STARTED\\): the record cannot be read .*"));
  }

  @Test
  void aChangedSummaryOrSignatureOrReportIsNamed() throws IOException {
    String pack = Files.readString(written.pack());
    Path tampered = dir.resolve("drills-copy").resolve(written.pack().getFileName());
    Files.createDirectories(tampered.getParent());
    Files.writeString(tampered, pack.replace("\"outcome\" : \"passed\"", "\"outcome\" : \"failed\""));
    assertThat(DrillEvidence.verify(tampered, publicKey).failures())
        .anySatisfy(f -> assertThat(f).startsWith("signature:"))
        .anySatisfy(f -> assertThat(f).startsWith("summary: outcome says \"failed\", but the records say \"passed\""));

    int sig = pack.lastIndexOf("\"signature\": \"") + 20;
    assertThat(verifyWithByteFlipped(sig).failures()).singleElement().satisfies(f -> assertThat(f)
        .startsWith("signature:"));

    byte[] html = Files.readAllBytes(written.report());
    html[html.length / 2] ^= 0x01;
    Files.write(written.report(), html);
    assertThat(DrillEvidence.verify(written.pack(), publicKey).failures()).singleElement()
        .satisfies(f -> assertThat(f).startsWith("report: ").contains(written.report().toString()));
  }

  @Test
  void aPackCheckedWithAnotherKeyNamesTheKey() {
    AuditPublicKey other = AuditSigningKey.generate().publicKey();
    DrillEvidence.Verification v = DrillEvidence.verify(written.pack(), other);
    assertThat(v.valid()).isFalse();
    assertThat(v.failures()).anySatisfy(f -> assertThat(f).startsWith("key: the pack is signed by key "
        + publicKey.keyId() + ", not by the trusted key " + other.keyId()));
  }

  @Test
  void aFileThatIsNoPackIsUnusableInputNamingTheFile() throws IOException {
    assertThatThrownBy(() -> DrillEvidence.verify(written.report(), publicKey))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(written.report().toString())
        .hasMessageContaining("not a drill evidence pack");
    Path json = dir.resolve("other.json");
    Files.writeString(json, "{\"format\": \"breakglass-post-incident-report\"}");
    assertThatThrownBy(() -> DrillEvidence.verify(json, publicKey)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a drill evidence pack");
  }

  @Test
  void exportNamesWhatIsMissing() {
    assertThatThrownBy(() -> DrillEvidence.export(data, "bg-drill-0000", dir.resolve("out")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no record of drill bg-drill-0000");
    assertThatThrownBy(() -> DrillEvidence.export(dir.resolve("nowhere"), drill.drillId(), dir.resolve("out")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no audit signing key");
  }

  /** The pack with its JSON changed by someone who holds the audit signing key, and signed again. */
  private Path resigned(java.util.function.Consumer<tools.jackson.databind.node.ObjectNode> change) throws IOException {
    tools.jackson.databind.node.ObjectNode root =
        (tools.jackson.databind.node.ObjectNode) EvidenceFormat.MAPPER.readTree(Files.readAllBytes(written.pack()));
    root.remove("signature");
    change.accept(root);
    String json = EvidenceFormat.MAPPER.writeValueAsString(root);
    byte[] body = json.substring(0, json.lastIndexOf('}')).getBytes(StandardCharsets.UTF_8);
    AuditSigningKey key = AuditSigningKey.load(data.resolve(dev.breakglass.core.audit.EmbeddedAuditLog.SIGNING_KEY_FILE));
    byte[] file = EvidenceFormat.join(body,
        java.util.Base64.getEncoder().encodeToString(key.sign(EvidenceFormat.signed(body))));
    Path out = dir.resolve("forged").resolve(written.pack().getFileName());
    Files.createDirectories(out.getParent());
    Files.write(out, file);
    return out;
  }

  private List<String> failuresOf(Path pack) {
    return DrillEvidence.verify(pack, publicKey, null, written.report()).failures();
  }

  @Test
  void aPackReSignedUnchangedStillVerifies() throws IOException {
    assertThat(failuresOf(resigned(root -> { }))).isEmpty();
  }

  @Test
  void recordsOutOfOrderOrRepeatedAreNamedEvenUnderAValidSignature() throws IOException {
    Path swapped = resigned(root -> {
      tools.jackson.databind.node.ArrayNode records = (tools.jackson.databind.node.ArrayNode) root.get("records");
      tools.jackson.databind.JsonNode first = records.remove(0);
      records.insert(1, first);
    });
    assertThat(failuresOf(swapped)).anySatisfy(f -> assertThat(f).matches("record 2 of \\d+ \\(log index \\d+, "
        + "DRILL_STARTED\\): records are not in log order"));
    Path repeated = resigned(root -> {
      tools.jackson.databind.node.ArrayNode records = (tools.jackson.databind.node.ArrayNode) root.get("records");
      records.insert(1, records.get(0).deepCopy());
    });
    assertThat(failuresOf(repeated)).anySatisfy(f -> assertThat(f).endsWith("DRILL_STARTED): records are not in log"
        + " order"));
  }

  @Test
  void aFieldThatDisagreesWithItsProvenRecordIsNamed() throws IOException {
    Path retyped = resigned(root -> ((tools.jackson.databind.node.ObjectNode) root.get("records").get(0))
        .put("type", "DRILL_COMPLETED"));
    assertThat(failuresOf(retyped)).anySatisfy(f -> assertThat(f).startsWith("record 1 of ")
        .contains("its type or time does not match the record (DRILL_STARTED, "));
    Path reformatted = resigned(root -> root.put("format", "breakglass-other"));
    assertThat(failuresOf(reformatted)).contains("format: the pack says \"breakglass-other\", not \""
        + EvidenceFormat.FORMAT + "\"");
  }

  @Test
  void aPackOfAVersionThisToolDoesNotKnowIsRefusedWhenGenuineAndAFailureWhenNot() throws IOException {
    Path v2 = resigned(root -> root.put("version", 2));
    assertThatThrownBy(() -> DrillEvidence.verify(v2, publicKey)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(v2 + " is an evidence pack of version 2, which this tool does not know (it reads version 1);"
            + " use a newer tool");
    byte[] bytes = Files.readAllBytes(v2);
    bytes[bytes.length - 10] ^= 1;
    Files.write(v2, bytes);
    assertThat(failuresOf(v2)).contains("version: the pack says 2, not 1");
  }

  @Test
  void aCheckpointOrPublicKeyTheKeyDidNotSignIsNamed() throws IOException {
    AuditSigningKey other = AuditSigningKey.generate();
    Checkpoint real = written.checkpoint();
    Checkpoint foreign = Checkpoint.sign(real.logId(), real.previousSize(), real.treeSize(), real.rootHash(),
        real.time(), other);
    Path forged = resigned(root -> root.put("checkpoint", foreign.toText()));
    assertThat(failuresOf(forged)).contains("checkpoint: its signature by key " + other.keyId()
        + " does not verify with key " + publicKey.keyId());
    Path unusable = resigned(root -> root.put("publicKey", "AAAA"));
    assertThat(failuresOf(unusable)).anySatisfy(f -> assertThat(f).startsWith("key: the pack's public key is unusable"));
    assertThat(DrillEvidence.verify(unusable, null, null, written.report()).failures())
        .anySatisfy(f -> assertThat(f).startsWith("key: the pack's public key is unusable"));
  }

  @Test
  void aChangedPackFailsUnderItsOwnKeyToo() throws IOException {
    String pack = Files.readString(written.pack());
    DrillEvidence.Verification v = verifyWithByteFlipped(pack.lastIndexOf("\"signature\": \"") - 40);
    assertThat(v.valid()).isFalse();
    Path flipped = dir.resolve("flipped.evidence.json");
    assertThat(DrillEvidence.verify(flipped, null, null, written.report()).failures())
        .anySatisfy(f -> assertThat(f).startsWith("signature: the pack's bytes do not match its signature by key "
            + publicKey.keyId()));
  }

  @Test
  void aKeptCheckpointMustBeSignedByTheKeyAndMatchThePacksLog() {
    Checkpoint real = written.checkpoint();
    AuditSigningKey key = AuditSigningKey.load(data.resolve(dev.breakglass.core.audit.EmbeddedAuditLog.SIGNING_KEY_FILE));
    assertThat(DrillEvidence.verify(written.pack(), publicKey, real, written.report()).failures()).isEmpty();

    AuditSigningKey other = AuditSigningKey.generate();
    Checkpoint foreign = Checkpoint.sign(real.logId(), real.previousSize(), real.treeSize(), real.rootHash(),
        real.time(), other);
    assertThat(DrillEvidence.verify(written.pack(), publicKey, foreign, written.report()).failures())
        .containsExactly("kept checkpoint: its signature by key " + other.keyId() + " does not verify with key "
            + publicKey.keyId() + "; give the checkpoint of this log, signed with its key");

    byte[] otherRoot = real.rootHash();
    otherRoot[0] ^= 1;
    Checkpoint rewritten = Checkpoint.sign(real.logId(), real.previousSize(), real.treeSize(), otherRoot, real.time(),
        key);
    assertThat(DrillEvidence.verify(written.pack(), publicKey, rewritten, written.report()).failures())
        .containsExactly("kept checkpoint: the pack's log of " + real.treeSize() + " records has another root than"
            + " the kept checkpoint of the same size: the log was rewritten after the checkpoint was kept");

    Checkpoint larger = Checkpoint.sign(real.logId(), real.treeSize(), real.treeSize() + 5, otherRoot,
        real.time(), key);
    assertThat(DrillEvidence.verify(written.pack(), publicKey, larger, written.report()).failures())
        .singleElement().satisfies(f -> assertThat(f).startsWith("kept checkpoint: it covers " + (real.treeSize() + 5)
            + " records, but the pack is proven against the checkpoints of " + real.treeSize() + " records"));
  }

  private DrillEvidence.Verification verifyWithByteFlipped(int offset) throws IOException {
    byte[] copy = Files.readAllBytes(written.pack());
    copy[offset] ^= 0x01;
    Path tampered = dir.resolve("flipped.evidence.json");
    Files.write(tampered, copy);
    return DrillEvidence.verify(tampered, publicKey, written.report());
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}

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

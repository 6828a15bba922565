package dev.breakglass.core.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.CustodianKey;
import dev.breakglass.Decision;
import dev.breakglass.DrillResult;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditLogReader;
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
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A drill whose custodians sign their approvals: the pack carries the registrations of the keys
 * that signed (proven like the drill's records), every signature is re-verified offline, and a
 * signature changed in one byte fails the pack naming the record. A checkpoint kept outside the
 * data directory anchors the pack.
 */
class SignedDrillEvidenceTest {
  private static final String ACCOUNT = "prod-db-admin";

  @TempDir Path dir;
  Path data;
  DrillResult drill;
  DrillEvidence.Written written;
  AuditPublicKey publicKey;

  @BeforeEach
  void signedDrill() throws Exception {
    data = dir.resolve("data");
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder(ACCOUNT).requesters("alice").custodians("carol", "dave").approvals(2)
            .maxDuration(Duration.ofMinutes(30)).build())
        .build();
    KeyPair carol = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair dave = ec.generateKeyPair();
    try (EncryptedFileVault vault = EncryptedFileVault.create(dir.resolve("vault.json"),
        "correct horse battery staple".toCharArray(), Argon2Parameters.recommended())) {
      vault.write(ACCOUNT, "pre-staged-secret".toCharArray());
      try (BreakGlass breakGlass = BreakGlassEngine.builder().policy(policy).dataDirectory(data).vault(vault)
          .rotator(VaultOnlyRotator.forAnyAccount(SecretGenerator.defaults())).fingerprintKey(new byte[32])
          .background(false).build()) {
        String carolKey = breakGlass.custodianKeys().register(CustodianKey.raw("carol", ApprovalSignature.Kind.ED25519,
            carol.getPublic().getEncoded(), "carol's key file"), "carol").keyId();
        String daveKey = breakGlass.custodianKeys().register(CustodianKey.raw("dave",
            ApprovalSignature.Kind.ECDSA_P256, dave.getPublic().getEncoded(), "dave's token"), "dave").keyId();
        EmergencyAccessGrant grant = breakGlass.requestDrill(AccessRequest.builder().requester("alice")
            .account(ACCOUNT).reason("quarterly drill").duration(Duration.ofMinutes(10)).build());
        breakGlass.approve(Approval.of(grant, "carol").withSignature(sign(grant, "carol", carol,
            ApprovalSignature.Kind.ED25519, carolKey)));
        breakGlass.approve(Approval.of(grant, "dave").withSignature(sign(grant, "dave", dave,
            ApprovalSignature.Kind.ECDSA_P256, daveKey)));
        drill = breakGlass.completeDrill(grant.id(), "alice");
        assertThat(drill.succeeded()).as(drill.detail()).isTrue();
      }
    }
    // After the engine closed: its last checkpoint is the newest, as a witness would keep it.
    written = DrillEvidence.export(data, drill.drillId(), data.resolve(DrillEvidence.DIRECTORY));
    publicKey = AuditPublicKey.read(data.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE));
  }

  private static ApprovalSignature sign(EmergencyAccessGrant grant, String custodian, KeyPair pair,
      ApprovalSignature.Kind kind, String keyId) throws GeneralSecurityException {
    ApprovalStatement statement = ApprovalStatement.of(grant.id(), grant.requestDigest(), custodian,
        Decision.APPROVE, Instant.now());
    Signature s = Signature.getInstance(kind == ApprovalSignature.Kind.ED25519 ? "Ed25519" : "SHA256withECDSA");
    s.initSign(pair.getPrivate());
    s.update(statement.bytes());
    return ApprovalSignature.raw(kind, keyId, statement.signedAt(), s.sign());
  }

  @Test
  void thePackCarriesTheSignersKeysAndEverySignatureReverifiesOffline() throws IOException {
    DrillEvidence.Verification v = DrillEvidence.verify(written.pack(), publicKey);
    assertThat(v.failures()).isEmpty();
    assertThat(v.signedDecisions()).isEqualTo(2);
    assertThat(v.unsignedDecisions()).isZero();
    assertThat(v.custodianKeys()).hasSize(2).anySatisfy(k -> assertThat(k).startsWith("carol ed25519:"))
        .anySatisfy(k -> assertThat(k).startsWith("dave ecdsa-p256:"));
    JsonNode keys = pack().path("custodianKeys");
    assertThat(keys).hasSize(2);
    assertThat(keys.get(0).path("type").asString()).isEqualTo("CUSTODIAN_KEY_REGISTERED");
    assertThat(keys.get(0).path("proof").isArray()).isTrue();
  }

  @Test
  void anApprovalSignatureChangedInOneByteFailsNamingTheRecord() throws IOException {
    ObjectNode root = pack();
    int n = root.path("records").size();
    int at = -1;
    for (int i = 0; i < n; i++) {
      if (root.path("records").get(i).path("type").asString().equals("APPROVAL_ACCEPTED")) {
        at = i;
        break;
      }
    }
    ObjectNode record = (ObjectNode) root.path("records").get(at);
    String canonical = new String(Base64.getDecoder().decode(record.path("record").asString()), StandardCharsets.UTF_8);
    int value = canonical.indexOf("\"signature.value\":\"") + "\"signature.value\":\"".length() + 10;
    char c = canonical.charAt(value);
    String changed = canonical.substring(0, value) + (c == 'A' ? 'B' : 'A') + canonical.substring(value + 1);
    record.put("record", Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8)));
    Path tampered = write(root);

    DrillEvidence.Verification v = DrillEvidence.verify(tampered, publicKey);
    assertThat(v.valid()).isFalse();
    String where = "record " + (at + 1) + " of " + n + " (log index " + record.path("index").asLong()
        + ", APPROVAL_ACCEPTED)";
    assertThat(v.failures()).anySatisfy(f -> assertThat(f)
        .startsWith(where + ": carol's signed decision does not re-verify (SIGNATURE_INVALID)"));
    assertThat(v.signedDecisions()).isEqualTo(1);
  }

  @Test
  void aPackWithoutTheSignersKeysFailsNamingTheKeyThatIsNotRegistered() throws IOException {
    ObjectNode root = pack();
    root.remove("custodianKeys");
    DrillEvidence.Verification v = DrillEvidence.verify(write(root), null);
    assertThat(v.valid()).isFalse();
    assertThat(v.failures()).anySatisfy(f -> assertThat(f).contains("APPROVAL_ACCEPTED): carol's signed decision "
        + "does not re-verify (KEY_NOT_REGISTERED)").contains("was never registered"));
  }

  @Test
  void aCheckpointKeptElsewhereAnchorsThePackAndAnotherOneIsRefusedByName() {
    List<Checkpoint> checkpoints = checkpoints();
    Checkpoint newest = checkpoints.get(checkpoints.size() - 1);
    for (Checkpoint kept : List.of(written.checkpoint(), newest)) {
      DrillEvidence.Verification v = DrillEvidence.verify(written.pack(), publicKey, kept, null);
      assertThat(v.failures()).as("kept checkpoint of %d records", kept.treeSize()).isEmpty();
      assertThat(v.checkpointTrusted()).isTrue();
    }
    assertThat(DrillEvidence.verify(written.pack(), publicKey).checkpointTrusted()).isFalse();

    Checkpoint older = checkpoints.get(0);
    if (older.treeSize() < written.checkpoint().treeSize()) {
      assertThat(DrillEvidence.verify(written.pack(), publicKey, older, null).failures()).singleElement()
          .satisfies(f -> assertThat(f).startsWith("kept checkpoint: it covers " + older.treeSize() + " records")
              .contains("give the checkpoint kept when the drill ended"));
    }
    AuditSigningKey other = AuditSigningKey.generate();
    Checkpoint forged = Checkpoint.sign("0".repeat(32), Checkpoint.NO_PREVIOUS, written.checkpoint().treeSize(), new byte[32],
        Instant.now(), other);
    assertThat(DrillEvidence.verify(written.pack(), publicKey, forged, null).failures()).singleElement()
        .satisfies(f -> assertThat(f).startsWith("kept checkpoint: its signature by key " + other.keyId()));
  }

  private List<Checkpoint> checkpoints() {
    List<Checkpoint> out = new ArrayList<>();
    try (AuditLogReader reader = AuditLogReader.open(data.resolve(BreakGlassEngine.AUDIT_DIRECTORY))) {
      for (AuditLogReader.Entry e = reader.next(); e != null; e = reader.next()) {
        if (e instanceof AuditLogReader.CheckpointEntry c) {
          out.add(c.checkpoint());
        }
      }
    }
    return out;
  }

  private ObjectNode pack() throws IOException {
    return (ObjectNode) EvidenceFormat.MAPPER.readTree(Files.readAllBytes(written.pack()));
  }

  private Path write(ObjectNode root) throws IOException {
    Path tampered = dir.resolve("tampered.evidence.json");
    Files.writeString(tampered, EvidenceFormat.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    return tampered;
  }
}

package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.CustodianKey;
import dev.breakglass.Decision;
import dev.breakglass.Denial;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.ReasonCode;
import dev.breakglass.SignatureRequirement;
import dev.breakglass.core.approval.ApprovalLogVerifier;
import dev.breakglass.core.approval.SignatureVerifiers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 11: custodians prove who they are with a key, not a name. Approvals and denials signed
 * with raw Ed25519 and ECDSA P-256 keys, each refusal with its reason code, and the log re-verified
 * offline afterwards.
 */
class SignedApprovalsTest {
  @TempDir Path dir;
  EngineFixture f;
  KeyPair carol;
  KeyPair dave;
  KeyPair alice;
  String carolKey;
  String daveKey;
  String aliceKey;

  @BeforeEach
  void setUp() throws GeneralSecurityException {
    f = new EngineFixture(dir);
    carol = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    dave = ec.generateKeyPair();
    alice = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    // Registered while the identity provider is healthy, each by its own custodian.
    carolKey = register("carol", ApprovalSignature.Kind.ED25519, carol);
    daveKey = register("dave", ApprovalSignature.Kind.ECDSA_P256, dave);
    aliceKey = register("alice", ApprovalSignature.Kind.ED25519, alice);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private String register(String who, ApprovalSignature.Kind kind, KeyPair pair) {
    return f.engine.custodianKeys().register(CustodianKey.raw(who, kind, pair.getPublic().getEncoded(), who + "'s key"),
        who).keyId();
  }

  static ApprovalSignature sign(KeyPair pair, ApprovalSignature.Kind kind, String keyId, ApprovalStatement statement) {
    try {
      Signature s = Signature.getInstance(kind == ApprovalSignature.Kind.ED25519 ? "Ed25519" : "SHA256withECDSA");
      s.initSign(pair.getPrivate());
      s.update(statement.bytes());
      return ApprovalSignature.raw(kind, keyId, statement.signedAt(), s.sign());
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private Approval signedApproval(EmergencyAccessGrant g, String who, KeyPair pair, ApprovalSignature.Kind kind,
      String keyId) {
    ApprovalStatement st = ApprovalStatement.of(g.id(), g.requestDigest(), who, Decision.APPROVE, f.clock.instant());
    return Approval.of(g, who).withSignature(sign(pair, kind, keyId, st));
  }

  private static ReasonCode code(Throwable t) {
    return ((AccessDeniedException) t).code();
  }

  private EmergencyAccessGrant pending() {
    f.openEmergency();
    return f.engine.requestAccess(f.dbRequest("bob").build());
  }

  @Test
  void twoCustodiansSignAndTheGrantIsIssued() {
    EmergencyAccessGrant g = pending();
    f.engine.approve(signedApproval(g, "carol", carol, ApprovalSignature.Kind.ED25519, carolKey));
    f.engine.approve(signedApproval(g, "dave", dave, ApprovalSignature.Kind.ECDSA_P256, daveKey));
    assertThat(g.status()).isEqualTo(GrantStatus.ACTIVE);
    List<AuditEvent> approvals = f.events().stream().filter(e -> e.type() == AuditEventType.APPROVAL_ACCEPTED).toList();
    assertThat(approvals).hasSize(2);
    assertThat(approvals.get(0).details()).containsEntry("signature.kind", "ed25519")
        .containsEntry("signature.key", carolKey).containsEntry("decision", "approve").containsKey("signature.value");
    assertThat(approvals.get(1).details()).containsEntry("signature.kind", "ecdsa-p256");
  }

  @Test
  void registrationsAreAuditedWithThePublicKey() {
    List<AuditEvent> regs = f.events().stream().filter(e -> e.type() == AuditEventType.CUSTODIAN_KEY_REGISTERED).toList();
    assertThat(regs).extracting(AuditEvent::actor).containsExactly("carol", "dave", "alice");
    assertThat(regs.get(0).details()).containsEntry("keyId", carolKey).containsEntry("keyKind", "ed25519")
        .containsKey("publicKey");
    assertThat(f.engine.custodianKeys().keys("carol")).extracting(CustodianKey::keyId).containsExactly(carolKey);
    assertThat(dir.resolve(CustodianKeyStore.FILE_NAME)).exists();
  }

  @Test
  void onceKeysAreRegisteredAnUnsignedApprovalIsRefused() {
    EmergencyAccessGrant g = pending();
    assertThatThrownBy(() -> f.engine.approve(Approval.of(g, "carol")))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.SIGNATURE_REQUIRED));
    assertThat(g.approvals()).isEmpty();
    AuditEvent refused = f.events().stream().filter(e -> e.type() == AuditEventType.APPROVAL_REFUSED).findFirst()
        .orElseThrow();
    assertThat(refused.details()).containsEntry("reason", "SIGNATURE_REQUIRED");
  }

  @Test
  void selfApprovalIsRefusedEvenWithAValidSignature() {
    f.openEmergency();
    EmergencyAccessGrant g = f.engine.requestAccess(f.dbRequest("alice").build());
    assertThatThrownBy(() -> f.engine.approve(signedApproval(g, "alice", alice, ApprovalSignature.Kind.ED25519, aliceKey)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.SELF_APPROVAL));
  }

  @Test
  void aSignatureOverAnotherRequestsDigestIsRefused() {
    EmergencyAccessGrant first = pending();
    ApprovalStatement forFirst = ApprovalStatement.of(first.id(), first.requestDigest(), "carol", Decision.APPROVE,
        f.clock.instant());
    ApprovalSignature sig = sign(carol, ApprovalSignature.Kind.ED25519, carolKey, forFirst);
    first.revoke("bob", "wrong account");
    EmergencyAccessGrant second = f.engine.requestAccess(f.dbRequest("bob").build());
    // The approval names the second request and its digest, but the signature covers the first.
    assertThatThrownBy(() -> f.engine.approve(Approval.of(second, "carol").withSignature(sig)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.SIGNATURE_INVALID));
    assertThat(second.approvals()).isEmpty();
  }

  @Test
  void aSignatureForAnotherDecisionIsRefused() {
    EmergencyAccessGrant g = pending();
    ApprovalStatement deny = ApprovalStatement.of(g.id(), g.requestDigest(), "carol", Decision.DENY, f.clock.instant());
    ApprovalSignature sig = sign(carol, ApprovalSignature.Kind.ED25519, carolKey, deny);
    assertThatThrownBy(() -> f.engine.approve(Approval.of(g, "carol").withSignature(sig)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.SIGNATURE_INVALID));
  }

  @Test
  void anUnregisteredKeyIsRefused() throws GeneralSecurityException {
    EmergencyAccessGrant g = pending();
    KeyPair stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String strangerId = CustodianKey.rawKeyId(ApprovalSignature.Kind.ED25519, stranger.getPublic().getEncoded());
    assertThatThrownBy(() -> f.engine.approve(signedApproval(g, "carol", stranger, ApprovalSignature.Kind.ED25519,
        strangerId))).satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.KEY_NOT_REGISTERED));
  }

  @Test
  void anotherCustodiansKeyIsRefused() {
    EmergencyAccessGrant g = pending();
    // dave signs with carol's key (stolen or shared): the key is not registered to dave.
    assertThatThrownBy(() -> f.engine.approve(signedApproval(g, "dave", carol, ApprovalSignature.Kind.ED25519, carolKey)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.KEY_NOT_REGISTERED));
  }

  @Test
  void aSignatureDatedOutsideTheRequestsLifeIsRefused() {
    EmergencyAccessGrant g = pending();
    ApprovalStatement old = ApprovalStatement.of(g.id(), g.requestDigest(), "carol", Decision.APPROVE,
        f.clock.instant().minus(Duration.ofHours(2)));
    assertThatThrownBy(() -> f.engine.approve(Approval.of(g, "carol")
        .withSignature(sign(carol, ApprovalSignature.Kind.ED25519, carolKey, old))))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.SIGNATURE_INVALID));
  }

  @Test
  void aRemovedKeyIsRefusedAndTheRemovalIsAudited() {
    f.engine.custodianKeys().remove("carol", carolKey, "carol", "lost the token");
    assertThat(f.events()).anyMatch(e -> e.type() == AuditEventType.CUSTODIAN_KEY_REMOVED
        && carolKey.equals(e.details().get("keyId")));
    EmergencyAccessGrant g = pending();
    assertThatThrownBy(() -> f.engine.approve(signedApproval(g, "carol", carol, ApprovalSignature.Kind.ED25519, carolKey)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.KEY_NOT_REGISTERED));
  }

  @Test
  void keysAreNotRegisteredDuringAnEmergencyNorForOthers() throws GeneralSecurityException {
    KeyPair k = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    CustodianKey erin = CustodianKey.raw("erin", ApprovalSignature.Kind.ED25519, k.getPublic().getEncoded(), null);
    assertThatThrownBy(() -> f.engine.custodianKeys().register(erin, "mallory"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.NOT_AUTHORIZED));
    f.openEmergency();
    assertThatThrownBy(() -> f.engine.custodianKeys().register(erin, "erin"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.NOT_AUTHORIZED))
        .hasMessageContaining("healthy");
    assertThat(f.engine.custodianKeys().keys("erin")).isEmpty();
  }

  @Test
  void aRequesterHoldsAKeyToSignInButItNeverCountsForAnApproval() throws GeneralSecurityException {
    KeyPair bob = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String bobKey = register("bob", ApprovalSignature.Kind.ED25519, bob);   // bob requests; he is no custodian
    assertThat(f.engine.custodianKeys().keys("bob")).singleElement()
        .satisfies(k -> assertThat(k.keyId()).isEqualTo(bobKey));
    f.openEmergency();
    EmergencyAccessGrant g = f.engine.requestAccess(f.dbRequest("alice").build());
    assertThatThrownBy(() -> f.engine.approve(signedApproval(g, "bob", bob, ApprovalSignature.Kind.ED25519, bobKey)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.NOT_A_CUSTODIAN));
    assertThat(g.approvals()).isEmpty();
    // nobody the policy does not name holds a key
    KeyPair k = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    assertThatThrownBy(() -> f.engine.custodianKeys().register(
        CustodianKey.raw("mallory", ApprovalSignature.Kind.ED25519, k.getPublic().getEncoded(), null), "mallory"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.NOT_AUTHORIZED))
        .hasMessageContaining("no requester or custodian");
  }

  @Test
  void aSignedDenialEndsTheRequestAndAnUnsignedOneIsRefused() {
    EmergencyAccessGrant g = pending();
    assertThatThrownBy(() -> f.engine.deny(g.id(), "carol", "no ticket"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.SIGNATURE_REQUIRED));
    ApprovalStatement st = ApprovalStatement.of(g.id(), g.requestDigest(), "carol", Decision.DENY, f.clock.instant());
    f.engine.deny(Denial.of(g, "carol", "no ticket").withSignature(sign(carol, ApprovalSignature.Kind.ED25519,
        carolKey, st)));
    assertThat(g.status()).isEqualTo(GrantStatus.DENIED);
    assertThat(f.events()).anyMatch(e -> e.type() == AuditEventType.REQUEST_DENIED
        && "deny".equals(e.details().get("decision")) && carolKey.equals(e.details().get("signature.key")));
  }

  @Test
  void anOptionalAccountAcceptsBareNamesButStillChecksSignatures(@TempDir Path other) {
    f.close();
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder(EngineFixture.DB).requesters("bob").custodians("carol", "dave").approvals(1)
            .approvalSignature(SignatureRequirement.OPTIONAL).build())
        .build();
    f = new EngineFixture(other, policy);
    f.engine.custodianKeys().register(CustodianKey.raw("carol", ApprovalSignature.Kind.ED25519,
        carol.getPublic().getEncoded(), null), "carol");
    f.openEmergency();
    EmergencyAccessGrant g = f.engine.requestAccess(f.dbRequest("bob").identification("badge", "1").build());
    ApprovalStatement wrong = ApprovalStatement.of(g.id(), "00" + g.requestDigest().substring(2), "carol",
        Decision.APPROVE, f.clock.instant());
    assertThatThrownBy(() -> f.engine.approve(Approval.of(g, "carol")
        .withSignature(sign(carol, ApprovalSignature.Kind.ED25519, carolKey, wrong))))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.SIGNATURE_INVALID));
    f.engine.approve(Approval.of(g, "dave"));
    assertThat(g.status()).isEqualTo(GrantStatus.ACTIVE);
  }

  @Test
  void theLogReVerifiesOfflineAndOneChangedByteIsNamed() throws Exception {
    EmergencyAccessGrant g = pending();
    f.engine.approve(signedApproval(g, "carol", carol, ApprovalSignature.Kind.ED25519, carolKey));
    f.engine.approve(signedApproval(g, "dave", dave, ApprovalSignature.Kind.ECDSA_P256, daveKey));
    List<AuditEvent> events = f.events();
    ApprovalLogVerifier.Result ok = ApprovalLogVerifier.verify(events, SignatureVerifiers.of(List.of()));
    assertThat(ok.valid()).isTrue();
    assertThat(ok.signed()).isEqualTo(2);
    assertThat(ok.keysRegistered()).isEqualTo(3);

    int index = -1;
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).type() == AuditEventType.APPROVAL_ACCEPTED && "dave".equals(events.get(i).actor())) {
        index = i;
      }
    }
    AuditEvent daves = events.get(index);
    Map<String, String> changed = new java.util.HashMap<>(daves.details());
    byte[] sig = java.util.Base64.getUrlDecoder().decode(changed.get("signature.value"));
    sig[sig.length - 1] ^= 1;
    changed.put("signature.value", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(sig));
    List<AuditEvent> tampered = new java.util.ArrayList<>(events);
    tampered.set(index, new AuditEvent(daves.time(), daves.type(), daves.actor(), daves.grantId(), daves.account(),
        changed));
    ApprovalLogVerifier.Result bad = ApprovalLogVerifier.verify(tampered, SignatureVerifiers.of(List.of()));
    assertThat(bad.valid()).isFalse();
    assertThat(bad.problems()).singleElement().satisfies(p -> {
      assertThat(p.custodian()).isEqualTo("dave");
      assertThat(p.code()).isEqualTo(ReasonCode.SIGNATURE_INVALID);
    });
    assertThat(bad.problems().get(0).record()).isEqualTo(index);
  }

  @Test
  void theRegistryFileSurvivesARestart(@TempDir Path data) {
    CustodianKeyStore store = CustodianKeyStore.open(data);
    store.add(CustodianKey.raw("carol", ApprovalSignature.Kind.ED25519, carol.getPublic().getEncoded(), "yubikey")
        .registeredAt(Instant.parse("2026-11-28T10:00:00Z")));
    CustodianKeyStore reopened = CustodianKeyStore.open(data);
    assertThat(reopened.all()).singleElement().satisfies(k -> {
      assertThat(k.keyId()).isEqualTo(carolKey);
      assertThat(k.label()).isEqualTo("yubikey");
      assertThat(k.publicKey()).isEqualTo(carol.getPublic().getEncoded());
    });
    if (dev.breakglass.spi.files.DurableFiles.isPosix(data)) {
      try {
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(data.resolve(CustodianKeyStore.FILE_NAME)))).isEqualTo("rw-------");
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }
  }
}

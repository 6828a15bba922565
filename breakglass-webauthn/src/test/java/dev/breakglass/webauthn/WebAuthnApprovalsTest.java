package dev.breakglass.webauthn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.CustodianKey;
import dev.breakglass.Decision;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.approval.ApprovalLogVerifier;
import dev.breakglass.core.approval.SignatureVerifiers;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.spi.CredentialVault;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approvals signed with WebAuthn assertions, through the engine's API with the {@code webauthn}
 * verifier selected by properties: enrolment, two approvals, and each refusal (an assertion replayed
 * from another request, a wrong origin, a wrong RP id, a counter going backwards, a changed
 * signature), then the log re-verified offline.
 */
class WebAuthnApprovalsTest {
  static final String RP = "localhost";
  static final String ORIGIN = "http://localhost:8443";

  @TempDir Path dir;
  BreakGlass engine;
  SoftAuthenticator carol = new SoftAuthenticator();
  SoftAuthenticator dave = new SoftAuthenticator();
  WebAuthnRegistration registration = new WebAuthnRegistration(RP, Set.of(ORIGIN), true);

  static final class MapVault implements CredentialVault {
    final Map<String, char[]> secrets = new ConcurrentHashMap<>();

    @Override
    public Set<String> accounts() {
      return secrets.keySet();
    }

    @Override
    public Credential read(String account) {
      return Credential.copyOf(account, secrets.get(account));
    }

    @Override
    public void write(String account, char[] secret) {
      secrets.put(account, secret.clone());
    }
  }

  final MapVault vault = new MapVault();

  @BeforeEach
  void setUp() {
    vault.write("prod-db-admin", "db-secret".toCharArray());
    engine = open();
    enrol("carol", carol);
    enrol("dave", dave);
  }

  /** The engine on {@code dir}: a second call after {@code close()} is a restart. */
  private BreakGlass open() {
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("prod-db-admin").requesters("alice").custodians("carol", "dave").approvals(2)
            .maxDuration(Duration.ofMinutes(30)).build())
        .incidentDeclarers("sre-lead").build();
    return BreakGlassEngine.builder().policy(policy).dataDirectory(dir).vault(vault).background(false)
        .property("approval-signatures", "webauthn")
        .property("approval-signature.webauthn.rp-id", RP)
        .property("approval-signature.webauthn.origins", ORIGIN)
        .build();
  }

  @AfterEach
  void tearDown() {
    engine.close();
  }

  private void enrol(String who, SoftAuthenticator authenticator) {
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    SoftAuthenticator.Registration r = authenticator.register(challenge, ORIGIN, RP);
    CustodianKey key = registration.verify(who, r.attestationObject(), r.clientDataJson(), challenge, who + "'s key");
    assertThat(key.keyId()).isEqualTo(authenticator.credentialIdBase64());
    engine.custodianKeys().register(key, who);
  }

  private EmergencyAccessGrant request() {
    if (!engine.emergencyState().isEmergency()) {
      engine.declareIncident("sre-lead", "IdP down");
    }
    return engine.requestAccess(AccessRequest.builder().requester("alice").account("prod-db-admin")
        .reason("IdP outage").duration(Duration.ofMinutes(20)).build());
  }

  private static ApprovalStatement statement(EmergencyAccessGrant g, String who) {
    return ApprovalStatement.of(g.id(), g.requestDigest(), who, Decision.APPROVE, Instant.now());
  }

  private static ReasonCode code(Throwable t) {
    return ((AccessDeniedException) t).code();
  }

  @Test
  void twoSecurityKeysApproveAndTheLogReVerifiesOffline() {
    EmergencyAccessGrant g = request();
    engine.approve(Approval.of(g, "carol").withSignature(carol.sign(statement(g, "carol"), ORIGIN, RP)));
    engine.approve(Approval.of(g, "dave").withSignature(dave.sign(statement(g, "dave"), ORIGIN, RP)));
    assertThat(g.status()).isEqualTo(GrantStatus.ACTIVE);
    assertThat(engine.custodianKeys().keys("carol")).singleElement()
        .satisfies(k -> assertThat(k.signCount()).isEqualTo(1));
    engine.close();

    List<AuditEvent> events = AuditLogReader.readEvents(dir.resolve("audit"));
    AuditEvent carols = events.stream().filter(e -> e.type() == AuditEventType.APPROVAL_ACCEPTED
        && e.actor().equals("carol")).findFirst().orElseThrow();
    assertThat(carols.details()).containsKeys("signature.authenticatorData", "signature.clientDataJSON",
        "signature.value").containsEntry("signature.key", carol.credentialIdBase64())
        .containsEntry("signature.signCount", "1");
    ApprovalLogVerifier.Result ok = ApprovalLogVerifier.verify(events, SignatureVerifiers.offline());
    assertThat(ok.problems()).isEmpty();
    assertThat(ok.signed()).isEqualTo(2);

    // One changed byte in carol's stored authenticatorData: the approval no longer verifies, by record.
    int index = events.indexOf(carols);
    Map<String, String> changed = new HashMap<>(carols.details());
    byte[] data = Base64.getUrlDecoder().decode(changed.get("signature.authenticatorData"));
    data[33] ^= 0x01;
    changed.put("signature.authenticatorData", Base64.getUrlEncoder().withoutPadding().encodeToString(data));
    List<AuditEvent> tampered = new ArrayList<>(events);
    tampered.set(index, new AuditEvent(carols.time(), carols.type(), carols.actor(), carols.grantId(),
        carols.account(), changed));
    ApprovalLogVerifier.Result bad = ApprovalLogVerifier.verify(tampered, SignatureVerifiers.offline());
    assertThat(bad.problems()).singleElement().satisfies(p -> {
      assertThat(p.record()).isEqualTo(index);
      assertThat(p.custodian()).isEqualTo("carol");
    });
  }

  @Test
  void anAssertionReplayedFromAnotherRequestIsRefused() {
    EmergencyAccessGrant first = request();
    ApprovalSignature forFirst = carol.sign(statement(first, "carol"), ORIGIN, RP);
    first.revoke("alice", "wrong account");
    EmergencyAccessGrant second = request();
    assertThatThrownBy(() -> engine.approve(Approval.of(second, "carol").withSignature(forFirst)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.ASSERTION_REPLAYED));
  }

  @Test
  void aWrongOriginIsRefused() {
    EmergencyAccessGrant g = request();
    assertThatThrownBy(() -> engine.approve(Approval.of(g, "carol")
        .withSignature(carol.sign(statement(g, "carol"), "https://evil.example", RP))))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.WRONG_ORIGIN));
  }

  @Test
  void aWrongRpIdIsRefused() {
    EmergencyAccessGrant g = request();
    assertThatThrownBy(() -> engine.approve(Approval.of(g, "carol")
        .withSignature(carol.sign(statement(g, "carol"), ORIGIN, "evil.example"))))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.WRONG_ORIGIN));
  }

  @Test
  void aCounterGoingBackwardsIsRefusedAsAClonedAuthenticator() {
    EmergencyAccessGrant g = request();
    carol.counter = 41;
    engine.approve(Approval.of(g, "carol").withSignature(carol.sign(statement(g, "carol"), ORIGIN, RP)));
    g.revoke("alice", "start again");
    EmergencyAccessGrant next = request();
    ApprovalStatement st = statement(next, "carol");
    ApprovalSignature clone = carol.signWith(st.webAuthnChallenge(), st, ORIGIN, RP, 40);
    assertThatThrownBy(() -> engine.approve(Approval.of(next, "carol").withSignature(clone)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.SIGNATURE_COUNTER_REGRESSED));
    assertThat(next.approvals()).isEmpty();
  }

  @Test
  void aCounterGoingBackwardsAfterARestartIsStillRefused() {
    EmergencyAccessGrant g = request();
    carol.counter = 41;
    engine.approve(Approval.of(g, "carol").withSignature(carol.sign(statement(g, "carol"), ORIGIN, RP)));
    g.revoke("alice", "start again");
    engine.close();

    engine = open();
    assertThat(engine.custodianKeys().keys("carol")).singleElement()
        .satisfies(k -> assertThat(k.signCount()).isEqualTo(42));
    EmergencyAccessGrant next = request();
    ApprovalStatement st = statement(next, "carol");
    ApprovalSignature clone = carol.signWith(st.webAuthnChallenge(), st, ORIGIN, RP, 40);
    assertThatThrownBy(() -> engine.approve(Approval.of(next, "carol").withSignature(clone)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.SIGNATURE_COUNTER_REGRESSED));
    assertThat(engine.grant(next.id()).orElseThrow().approvals()).isEmpty();
  }

  @Test
  void aSignInCounterIsKeptWithTheKeyAcrossARestartAndARegressionIsAudited() {
    String id = carol.credentialIdBase64();
    assertThat(engine.custodianKeys().recordSignCount(id, 7).signCount()).isEqualTo(7);
    engine.close();

    engine = open();
    assertThat(engine.custodianKeys().find(id).orElseThrow().signCount()).isEqualTo(7);
    assertThatThrownBy(() -> engine.custodianKeys().recordSignCount(id, 7))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.SIGNATURE_COUNTER_REGRESSED));
    // a decision after the sign-in must go past it too
    EmergencyAccessGrant g = request();
    ApprovalStatement st = statement(g, "carol");
    assertThatThrownBy(() -> engine.approve(Approval.of(g, "carol")
        .withSignature(carol.signWith(st.webAuthnChallenge(), st, ORIGIN, RP, 5))))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.SIGNATURE_COUNTER_REGRESSED));
    assertThatThrownBy(() -> engine.custodianKeys().recordSignCount("no-such-key", 1))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.KEY_NOT_REGISTERED));
    engine.close();

    assertThat(AuditLogReader.readEvents(dir.resolve("audit"))).filteredOn(e -> e.type() == AuditEventType.ACCESS_DENIED
        && "sign-in".equals(e.details().get("operation"))).singleElement().satisfies(e -> {
          assertThat(e.actor()).isEqualTo("carol");
          assertThat(e.details()).containsEntry("reason", "SIGNATURE_COUNTER_REGRESSED").containsEntry("keyId", id);
        });
  }

  @Test
  void aChangedSignatureIsRefused() {
    EmergencyAccessGrant g = request();
    ApprovalSignature good = carol.sign(statement(g, "carol"), ORIGIN, RP);
    byte[] sig = good.signature();
    sig[sig.length - 2] ^= 0x01;
    ApprovalSignature bad = ApprovalSignature.webAuthn(good.keyId(), good.signedAt(),
        good.authenticatorData().orElseThrow(), good.clientDataJson().orElseThrow(), sig);
    assertThatThrownBy(() -> engine.approve(Approval.of(g, "carol").withSignature(bad)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.SIGNATURE_INVALID));
  }

  @Test
  void anotherCustodiansCredentialIsRefused() {
    EmergencyAccessGrant g = request();
    assertThatThrownBy(() -> engine.approve(Approval.of(g, "dave")
        .withSignature(carol.sign(statement(g, "dave"), ORIGIN, RP))))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.KEY_NOT_REGISTERED));
  }

  @Test
  void aRegistrationForAnotherOriginIsRefused() {
    byte[] challenge = new byte[32];
    SoftAuthenticator.Registration r = new SoftAuthenticator().register(challenge, "https://evil.example", RP);
    assertThatThrownBy(() -> registration.verify("carol", r.attestationObject(), r.clientDataJson(), challenge, null))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.WRONG_ORIGIN));
  }

  @Test
  void offlineOriginsMustBelongToTheRpId() {
    assertThat(WebAuthnSignatureVerifier.originFitsRpId("https://ops.example.com", "example.com")).isTrue();
    assertThat(WebAuthnSignatureVerifier.originFitsRpId("http://localhost:8443", "localhost")).isTrue();
    assertThat(WebAuthnSignatureVerifier.originFitsRpId("http://ops.example.com", "example.com")).isFalse();
    assertThat(WebAuthnSignatureVerifier.originFitsRpId("https://example.com.evil.io", "example.com")).isFalse();
  }
}

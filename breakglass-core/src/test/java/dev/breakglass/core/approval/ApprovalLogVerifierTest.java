package dev.breakglass.core.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.CustodianKey;
import dev.breakglass.Decision;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.ApprovalSignatureVerifier;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Signed decisions re-verified from a log written by hand: real Ed25519 and ECDSA P-256 keys, the
 * statement each custodian signed, and every way a decision can fail to re-verify.
 */
class ApprovalLogVerifierTest {
  static final Instant T = Instant.parse("2026-03-01T12:00:00Z");
  static final String DIGEST = "sha256:request-one";
  static final KeyPair CAROL = generate("Ed25519", null);
  static final KeyPair DAVE = generate("EC", "secp256r1");
  static final CustodianKey CAROL_KEY = CustodianKey.raw("carol", ApprovalSignature.Kind.ED25519,
      CAROL.getPublic().getEncoded(), "carol's key");
  static final CustodianKey DAVE_KEY = CustodianKey.raw("dave", ApprovalSignature.Kind.ECDSA_P256,
      DAVE.getPublic().getEncoded(), "dave's key");

  final List<AuditEvent> log = new ArrayList<>();

  static KeyPair generate(String algorithm, String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (curve != null) {
        g.initialize(new ECGenParameterSpec(curve));
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static ApprovalSignature sign(KeyPair pair, CustodianKey key, String grant, String digest, String who,
      Decision decision) {
    ApprovalStatement st = ApprovalStatement.of(grant, digest, who, decision, T);
    try {
      Signature s = Signature.getInstance(RawSignatureVerifier.jdkAlgorithm(key.kind()));
      s.initSign(pair.getPrivate());
      s.update(st.bytes());
      return ApprovalSignature.raw(key.kind(), key.keyId(), st.signedAt(), s.sign());
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  void add(AuditEventType type, String actor, String grant, Map<String, String> details) {
    log.add(new AuditEvent(T.plusSeconds(log.size()), type, actor, grant, "db-root", details));
  }

  void register(CustodianKey key) {
    add(AuditEventType.CUSTODIAN_KEY_REGISTERED, key.custodian(), null, SignatureDetails.of(key));
  }

  void request(String grant, String digest) {
    add(AuditEventType.ACCESS_REQUESTED, "alice", grant, Map.of("requestDigest", digest));
  }

  void decide(AuditEventType type, String who, String grant, Decision decision, ApprovalSignature sig,
      String recordedDigest) {
    Map<String, String> d = new LinkedHashMap<>(SignatureDetails.of(decision, sig, 0));
    if (recordedDigest != null) {
      d.put("requestDigest", recordedDigest);
    }
    add(type, who, grant, d);
  }

  ApprovalLogVerifier.Result verify() {
    return ApprovalLogVerifier.verify(log, SignatureVerifiers.of(List.of()));
  }

  ApprovalLogVerifier.Problem onlyProblem() {
    ApprovalLogVerifier.Result r = verify();
    assertThat(r.valid()).isFalse();
    assertThat(r.problems()).hasSize(1);
    return r.problems().get(0);
  }

  @Test
  void signedApprovalsAndDenialsByRegisteredKeysReVerify() {
    register(CAROL_KEY);
    register(DAVE_KEY);
    request("g1", DIGEST);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", Decision.APPROVE,
        sign(CAROL, CAROL_KEY, "g1", DIGEST, "carol", Decision.APPROVE), DIGEST);
    decide(AuditEventType.REQUEST_DENIED, "dave", "g1", Decision.DENY,
        sign(DAVE, DAVE_KEY, "g1", DIGEST, "dave", Decision.DENY), null);
    ApprovalLogVerifier.Result r = verify();
    assertThat(r.problems()).isEmpty();
    assertThat(r.valid()).isTrue();
    assertThat(r.signed()).isEqualTo(2);
    assertThat(r.unsigned()).isZero();
    assertThat(r.keysRegistered()).isEqualTo(2);
  }

  @Test
  void unsignedApprovalsAreCountedAndUnsignedDenialsOnlyWhenTheyNameADecision() {
    request("g1", DIGEST);
    add(AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", Map.of());
    assertThat(verify().unsigned()).as("an approval without a signature").isEqualTo(1);
    log.clear();
    request("g1", DIGEST);
    add(AuditEventType.REQUEST_DENIED, "dave", "g1", Map.of("reason", "no"));
    assertThat(verify().unsigned()).as("a denial that names no decision").isZero();
    add(AuditEventType.REQUEST_DENIED, "erin", "g1", Map.of(SignatureDetails.DECISION, "deny"));
    assertThat(verify().unsigned()).as("a denial that names its decision").isEqualTo(1);
    assertThat(verify().signed()).isZero();
    assertThat(verify().valid()).isTrue();
  }

  @Test
  void aSignatureOverTheOtherDecisionDoesNotReVerify() {
    register(CAROL_KEY);
    request("g1", DIGEST);
    // Signed "deny", recorded as an approval without naming the decision: the approval is what is checked.
    Map<String, String> d = new LinkedHashMap<>(SignatureDetails.of(Decision.DENY,
        sign(CAROL, CAROL_KEY, "g1", DIGEST, "carol", Decision.DENY), 0));
    d.remove(SignatureDetails.DECISION);
    add(AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", d);
    ApprovalLogVerifier.Problem p = onlyProblem();
    assertThat(p.code()).isEqualTo(ReasonCode.SIGNATURE_INVALID);
    assertThat(p.message()).contains("does not verify over the statement for grant g1 (approve by carol");
    assertThat(p).extracting(ApprovalLogVerifier.Problem::record, ApprovalLogVerifier.Problem::grantId,
        ApprovalLogVerifier.Problem::custodian).containsExactly(2L, "g1", "carol");
  }

  @Test
  void aDecisionWithoutItsRequestOrWithAnotherDigestIsNamed() {
    register(CAROL_KEY);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", Decision.APPROVE,
        sign(CAROL, CAROL_KEY, "g1", DIGEST, "carol", Decision.APPROVE), null);
    ApprovalLogVerifier.Problem missing = onlyProblem();
    assertThat(missing.code()).isEqualTo(ReasonCode.GRANT_NOT_FOUND);
    assertThat(missing.message()).isEqualTo("no ACCESS_REQUESTED record with a request digest precedes this decision");
    assertThat(missing.record()).isEqualTo(1);

    log.clear();
    register(CAROL_KEY);
    add(AuditEventType.ACCESS_REQUESTED, "alice", "g1", Map.of());
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", Decision.APPROVE,
        sign(CAROL, CAROL_KEY, "g1", DIGEST, "carol", Decision.APPROVE), null);
    assertThat(onlyProblem().code()).as("a request without a digest").isEqualTo(ReasonCode.GRANT_NOT_FOUND);

    log.clear();
    register(CAROL_KEY);
    request("g1", DIGEST);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", null, Decision.APPROVE,
        sign(CAROL, CAROL_KEY, "g1", DIGEST, "carol", Decision.APPROVE), null);
    assertThat(onlyProblem().code()).as("a decision without a grant").isEqualTo(ReasonCode.GRANT_NOT_FOUND);

    log.clear();
    register(CAROL_KEY);
    request("g1", DIGEST);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", Decision.APPROVE,
        sign(CAROL, CAROL_KEY, "g1", DIGEST, "carol", Decision.APPROVE), "sha256:other");
    ApprovalLogVerifier.Problem mismatch = onlyProblem();
    assertThat(mismatch.code()).isEqualTo(ReasonCode.APPROVAL_MISMATCH);
    assertThat(mismatch.message()).isEqualTo("the record names request digest sha256:other but the request's is "
        + DIGEST);
  }

  @Test
  void aKeyMustBeRegisteredToTheDeciderAndNotRemovedBeforeTheDecision() {
    request("g1", DIGEST);
    ApprovalSignature carolSig = sign(CAROL, CAROL_KEY, "g1", DIGEST, "carol", Decision.APPROVE);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", Decision.APPROVE, carolSig, null);
    ApprovalLogVerifier.Problem never = onlyProblem();
    assertThat(never.code()).isEqualTo(ReasonCode.KEY_NOT_REGISTERED);
    assertThat(never.message()).isEqualTo("key " + CAROL_KEY.keyId() + " was never registered before this decision");

    log.clear();
    register(CAROL_KEY);
    add(AuditEventType.CUSTODIAN_KEY_REMOVED, "carol", null, Map.of(SignatureDetails.KEY_ID, CAROL_KEY.keyId()));
    add(AuditEventType.CUSTODIAN_KEY_REMOVED, "carol", null, Map.of());
    request("g1", DIGEST);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", Decision.APPROVE, carolSig, null);
    assertThat(onlyProblem().message()).isEqualTo("key " + CAROL_KEY.keyId() + " had been removed before this decision");
    register(CAROL_KEY);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", Decision.APPROVE, carolSig, null);
    assertThat(verify().signed()).as("registered again, the key signs again").isEqualTo(1);

    log.clear();
    register(CAROL_KEY);
    request("g1", DIGEST);
    decide(AuditEventType.APPROVAL_ACCEPTED, "dave", "g1", Decision.APPROVE, carolSig, null);
    assertThat(onlyProblem().message()).isEqualTo("key " + CAROL_KEY.keyId() + " is registered to carol, not dave"
        + " before this decision");
  }

  @Test
  void malformedRegistrationsAndSignaturesAreProblemsNotCrashes() {
    Map<String, String> reg = new HashMap<>(SignatureDetails.of(CAROL_KEY));
    reg.remove(SignatureDetails.PUBLIC_KEY);
    add(AuditEventType.CUSTODIAN_KEY_REGISTERED, "carol", null, reg);
    request("g1", DIGEST);
    Map<String, String> sig = new HashMap<>(SignatureDetails.of(Decision.APPROVE,
        sign(CAROL, CAROL_KEY, "g1", DIGEST, "carol", Decision.APPROVE), 0));
    sig.put(SignatureDetails.VALUE, "***");
    add(AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", sig);
    ApprovalLogVerifier.Result r = verify();
    assertThat(r.keysRegistered()).isZero();
    assertThat(r.problems()).extracting(ApprovalLogVerifier.Problem::code)
        .containsExactly(ReasonCode.KEY_NOT_REGISTERED, ReasonCode.SIGNATURE_INVALID);
    assertThat(r.problems().get(0).message()).startsWith("key registration is malformed: ");
    assertThat(r.problems().get(0).grantId()).isNull();
    assertThat(r.problems().get(1).message()).startsWith("the stored signature is malformed: ");
    assertThat(r.problems().get(1).record()).isEqualTo(2);
  }

  /** A verifier of another kind whose counter is the signature's first byte: behaviour specified here. */
  static final class CountingVerifier implements ApprovalSignatureVerifier {
    @Override
    public ApprovalSignature.Kind kind() {
      return ApprovalSignature.Kind.WEBAUTHN;
    }

    @Override
    public long verify(ApprovalSignature signature, CustodianKey key, ApprovalStatement statement) {
      if (signature.signature()[1] != 1) {
        throw new AccessDeniedException(ReasonCode.ASSERTION_REPLAYED, "challenge binds another statement");
      }
      return signature.signature()[0];
    }
  }

  ApprovalSignature counted(int counter, int ok) {
    return ApprovalSignature.webAuthn("cred-1", T, new byte[] {1}, new byte[] {2}, new byte[] {(byte) counter,
        (byte) ok});
  }

  @Test
  void countersOfAKindThatHasThemMustGrowFromTheRegisteredValue() {
    CustodianKey yubikey = CustodianKey.webAuthn("carol", "cred-1", new byte[] {1, 2, 3}, "example.com", 4, null);
    register(yubikey);
    request("g1", DIGEST);
    request("g2", DIGEST);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", Decision.APPROVE, counted(5, 1), null);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g2", Decision.APPROVE, counted(5, 1), null);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g2", Decision.APPROVE, counted(4, 1), null);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g2", Decision.APPROVE, counted(6, 1), null);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g2", Decision.APPROVE, counted(9, 0), null);
    ApprovalLogVerifier.Result r = ApprovalLogVerifier.verify(log,
        SignatureVerifiers.of(List.of(new CountingVerifier())));
    assertThat(r.signed()).isEqualTo(2);
    assertThat(r.problems()).extracting(ApprovalLogVerifier.Problem::code).containsExactly(
        ReasonCode.SIGNATURE_COUNTER_REGRESSED, ReasonCode.SIGNATURE_COUNTER_REGRESSED, ReasonCode.ASSERTION_REPLAYED);
    assertThat(r.problems().get(0).message()).isEqualTo("WebAuthn counter 5 of credential cred-1 did not grow past 5");
    assertThat(r.problems().get(1).message()).isEqualTo("WebAuthn counter 4 of credential cred-1 did not grow past 5");

    log.clear();
    register(CustodianKey.webAuthn("carol", "cred-1", new byte[] {1, 2, 3}, "example.com", 0, null));
    request("g1", DIGEST);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", Decision.APPROVE, counted(0, 1), null);
    decide(AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", Decision.APPROVE, counted(0, 1), null);
    assertThat(ApprovalLogVerifier.verify(log, SignatureVerifiers.of(List.of(new CountingVerifier()))).signed())
        .as("an authenticator without a counter reports 0 every time").isEqualTo(2);
  }

  @Test
  void aKindWithoutAVerifierIsRefusedByName() {
    SignatureVerifiers raw = SignatureVerifiers.of(List.of());
    assertThat(raw.supports(ApprovalSignature.Kind.ED25519)).isTrue();
    assertThat(raw.supports(ApprovalSignature.Kind.ECDSA_P256)).isTrue();
    assertThat(raw.supports(ApprovalSignature.Kind.WEBAUTHN)).isFalse();
    assertThat(SignatureVerifiers.of(List.of(new CountingVerifier())).supports(ApprovalSignature.Kind.WEBAUTHN)).isTrue();
    CustodianKey yubikey = CustodianKey.webAuthn("carol", "cred-1", new byte[] {1, 2, 3}, "example.com", 0, null);
    assertThatThrownBy(() -> raw.verify(counted(1, 1), yubikey,
        ApprovalStatement.of("g1", DIGEST, "carol", Decision.APPROVE, T)))
        .isInstanceOfSatisfying(AccessDeniedException.class, e -> assertThat(e.code()).isEqualTo(ReasonCode.SIGNATURE_INVALID))
        .hasMessageContaining("no verifier for webauthn signatures is configured");
    assertThat(SignatureVerifiers.of(List.of(new CountingVerifier())).verify(counted(7, 1), yubikey,
        ApprovalStatement.of("g1", DIGEST, "carol", Decision.APPROVE, T))).isEqualTo(7);
  }

  @Test
  void theOfflineVerifiersHoldTheRawKindsAndWhatTheClassPathProvides() {
    SignatureVerifiers offline = SignatureVerifiers.offline();
    assertThat(offline.supports(ApprovalSignature.Kind.ED25519)).isTrue();
    assertThat(offline.supports(ApprovalSignature.Kind.ECDSA_P256)).isTrue();
    assertThat(offline.supports(ApprovalSignature.Kind.WEBAUTHN)).as("breakglass-webauthn is not on this class path")
        .isFalse();
  }

  @Test
  void rawVerifiersNameTheirAlgorithmsAndRefuseAMismatchedKey() {
    assertThat(RawSignatureVerifier.jdkAlgorithm(ApprovalSignature.Kind.ED25519)).isEqualTo("Ed25519");
    assertThat(RawSignatureVerifier.jdkAlgorithm(ApprovalSignature.Kind.ECDSA_P256)).isEqualTo("SHA256withECDSA");
    assertThatThrownBy(() -> RawSignatureVerifier.jdkAlgorithm(ApprovalSignature.Kind.WEBAUTHN))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("webauthn is not a raw signature kind");
    assertThat(RawSignatureVerifier.ed25519().kind()).isEqualTo(ApprovalSignature.Kind.ED25519);
    assertThat(RawSignatureVerifier.ecdsaP256().kind()).isEqualTo(ApprovalSignature.Kind.ECDSA_P256);
    ApprovalStatement st = ApprovalStatement.of("g1", DIGEST, "carol", Decision.APPROVE, T);
    ApprovalSignature good = sign(CAROL, CAROL_KEY, "g1", DIGEST, "carol", Decision.APPROVE);
    assertThat(RawSignatureVerifier.ed25519().verify(good, CAROL_KEY, st)).isZero();
    assertThatThrownBy(() -> RawSignatureVerifier.ecdsaP256().verify(good, CAROL_KEY, st))
        .hasMessage("a ed25519 signature cannot be checked with the ed25519 key " + CAROL_KEY.keyId());
    assertThatThrownBy(() -> RawSignatureVerifier.ed25519().verify(good, DAVE_KEY, st))
        .hasMessage("a ed25519 signature cannot be checked with the ecdsa-p256 key " + DAVE_KEY.keyId());
    ApprovalSignature garbled = ApprovalSignature.raw(ApprovalSignature.Kind.ECDSA_P256, DAVE_KEY.keyId(), T,
        new byte[] {1, 2, 3});
    assertThatThrownBy(() -> RawSignatureVerifier.ecdsaP256().verify(garbled, DAVE_KEY, st))
        .isInstanceOfSatisfying(AccessDeniedException.class, e -> assertThat(e.code()).isEqualTo(ReasonCode.SIGNATURE_INVALID))
        .hasMessageContaining("does not verify over the statement for grant g1");
  }
}

package dev.breakglass.core.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ApprovalSignature;
import dev.breakglass.CustodianKey;
import dev.breakglass.Decision;
import dev.breakglass.InvalidRequestException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signatures and key registrations written into audit details and read back. */
class SignatureDetailsTest {
  static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void aWebAuthnSignatureRoundTripsWithItsDataAndCounter() {
    ApprovalSignature sig = ApprovalSignature.webAuthn("cred-1", T, new byte[] {1, 2}, new byte[] {3, 4},
        new byte[] {5, 6});
    Map<String, String> d = SignatureDetails.of(Decision.DENY, sig, 7);
    assertThat(d).containsEntry(SignatureDetails.DECISION, "deny").containsEntry(SignatureDetails.SIGN_COUNT, "7")
        .containsEntry(SignatureDetails.AUTHENTICATOR_DATA, "AQI").containsEntry(SignatureDetails.CLIENT_DATA_JSON, "AwQ")
        .containsEntry(SignatureDetails.VALUE, "BQY").containsEntry(SignatureDetails.SIGNED_AT, T.toString());
    ApprovalSignature back = SignatureDetails.signature(d).orElseThrow();
    assertThat(back).isEqualTo(sig);
    assertThat(back.authenticatorData()).hasValueSatisfying(a -> assertThat(a).containsExactly(1, 2));
    assertThat(back.clientDataJson()).hasValueSatisfying(c -> assertThat(c).containsExactly(3, 4));
    assertThat(SignatureDetails.decision(d, Decision.APPROVE)).isEqualTo(Decision.DENY);
  }

  @Test
  void aRawSignatureHasNoCounterAndNoWebAuthnData() {
    ApprovalSignature sig = ApprovalSignature.raw(ApprovalSignature.Kind.ED25519, "ed25519:abc", T, new byte[64]);
    Map<String, String> d = SignatureDetails.of(Decision.APPROVE, sig, 7);
    assertThat(d).doesNotContainKeys(SignatureDetails.SIGN_COUNT, SignatureDetails.AUTHENTICATOR_DATA,
        SignatureDetails.CLIENT_DATA_JSON);
    assertThat(SignatureDetails.signature(d)).contains(sig);
    assertThat(SignatureDetails.signature(Map.of("reason", "x"))).isEmpty();
    assertThat(SignatureDetails.decision(Map.of(), Decision.APPROVE)).isEqualTo(Decision.APPROVE);
    assertThat(SignatureDetails.decision(Map.of(SignatureDetails.DECISION, "Approve"), Decision.DENY))
        .isEqualTo(Decision.APPROVE);
  }

  @Test
  void aKeyRegistrationRoundTripsAndEveryMalformedOneIsNamed() {
    CustodianKey k = CustodianKey.webAuthn("carol", "cred-1", new byte[] {1, 2, 3}, "example.com", 12, "yubikey");
    Map<String, String> d = SignatureDetails.of(k);
    assertThat(d).containsEntry(SignatureDetails.RP_ID, "example.com").containsEntry(SignatureDetails.KEY_SIGN_COUNT, "12");
    CustodianKey back = SignatureDetails.key(d, T);
    assertThat(back.custodian()).isEqualTo("carol");
    assertThat(back.keyId()).isEqualTo("cred-1");
    assertThat(back.signCount()).isEqualTo(12);
    assertThat(back.rpId()).isEqualTo("example.com");
    assertThat(back.label()).isEqualTo("yubikey");
    assertThat(back.registeredAt()).isEqualTo(T);

    Map<String, String> missing = new HashMap<>(d);
    missing.remove(SignatureDetails.CUSTODIAN);
    assertThatThrownBy(() -> SignatureDetails.key(missing, T)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(SignatureDetails.CUSTODIAN).hasMessageContaining("is missing from the key registration");
    Map<String, String> badCount = new HashMap<>(d);
    badCount.put(SignatureDetails.KEY_SIGN_COUNT, "twelve");
    assertThatThrownBy(() -> SignatureDetails.key(badCount, T)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("malformed registration details");
    Map<String, String> noCount = new HashMap<>(d);
    noCount.remove(SignatureDetails.KEY_SIGN_COUNT);
    noCount.remove(SignatureDetails.KEY_LABEL);
    CustodianKey defaults = SignatureDetails.key(noCount, null);
    assertThat(defaults.signCount()).isZero();
    assertThat(defaults.label()).as("the default label").isEqualTo("webauthn key");
  }
}

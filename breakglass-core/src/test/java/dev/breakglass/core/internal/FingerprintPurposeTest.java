package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.CANARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.core.audit.Fingerprinter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reviewers hold the key that fingerprints tickets, badges and client addresses; released
 * credentials are fingerprinted under a different key derived from the same stored key, so a
 * reviewer cannot test guesses of a credential offline.
 */
class FingerprintPurposeTest {
  /** The fixture's stored fingerprint key: 32 zero bytes. */
  private static final Fingerprinter STORED_KEY = new Fingerprinter(new byte[32]);

  @TempDir Path dir;

  private static String detail(EngineFixture f, AuditEventType type, String field) {
    AuditEvent e = f.events().stream().filter(x -> x.type() == type).findFirst().orElseThrow();
    return e.details().get(field);
  }

  @Test
  void aCredentialFingerprintCannotBeReproducedWithTheReviewersKey() throws Exception {
    Path reviewKey = dir.resolve("review.key");
    STORED_KEY.writeReviewKey(reviewKey);
    Fingerprinter reviewer = Fingerprinter.load(reviewKey);
    try (EngineFixture f = new EngineFixture(dir.resolve("engine"), EngineFixture.defaultPolicy())) {
      EmergencyAccessGrant grant = f.activeDbGrant();
      try (Credential c = grant.releaseCredential()) {
        assertThat(new String(c.secret())).isEqualTo(CANARY);
      }
      String released = detail(f, AuditEventType.CREDENTIAL_RELEASED, "credential");

      assertThat(released).startsWith(Fingerprinter.PREFIX)
          .isNotEqualTo(reviewer.fingerprint(CANARY))
          .isNotEqualTo(reviewer.fingerprint(CANARY.toCharArray()))
          .isNotEqualTo(STORED_KEY.fingerprint(CANARY))
          .isEqualTo(STORED_KEY.credentialFingerprint(CANARY.toCharArray()));
      // What reviewers are meant to match still matches with their key.
      assertThat(detail(f, AuditEventType.ACCESS_REQUESTED, "identification.badge"))
          .isEqualTo(reviewer.fingerprint("E-10442")).isEqualTo(STORED_KEY.fingerprint("E-10442"));
    }
    assertThatThrownBy(() -> reviewer.credentialFingerprint(CANARY.toCharArray()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("review");
  }

  @Test
  void eachPurposeHasItsOwnDerivedKey() {
    assertThat(STORED_KEY.fingerprint("x")).isNotEqualTo(STORED_KEY.credentialFingerprint("x".toCharArray()));
    assertThat(STORED_KEY.canFingerprintCredentials()).isTrue();
  }
}

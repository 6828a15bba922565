package dev.breakglass.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.Credential;
import dev.breakglass.core.rotation.EphemeralCredentialsTest.ManualClock;
import dev.breakglass.core.vault.Argon2Parameters;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How {@link EphemeralCredentials} makes, replaces and reports its verifiers. */
class EphemeralCredentialsVerifiersTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final ManualClock clock = new ManualClock(T0);
  /** Every secret it makes is the same: 128 zeros. */
  private final SecretGenerator constant = SecretGenerator.of("01", 128, new SecureRandom() {
    private static final long serialVersionUID = 1L;

    @Override
    public int nextInt(int bound) {
      return 0;
    }
  });
  private final EphemeralCredentials ephemeral =
      new EphemeralCredentials(clock, Argon2Parameters.recommended(), constant);

  @AfterEach
  void close() {
    ephemeral.close();
  }

  @Test
  void theSameSecretMintedTwice_getsADifferentVerifier_becauseEachHasAFreshSalt() {
    char[] first;
    try (Credential credential = ephemeral.mint("a", "g1", T0.plusSeconds(60))) {
      first = credential.secret().clone();
    }
    byte[] firstVerifier = ephemeral.verifierBytes("a").clone();
    ephemeral.forget("g1");

    try (Credential credential = ephemeral.mint("a", "g2", T0.plusSeconds(60))) {
      assertThat(credential.secret()).isEqualTo(first);
      assertThat(ephemeral.verifierBytes("a")).isNotEqualTo(firstVerifier);
      assertThat(ephemeral.verify("a", first)).isTrue();
    }
  }

  @Test
  void mintingOverAnExpiredCredential_wipesTheExpiredVerifier() {
    ephemeral.mint("a", "g1", T0.plusSeconds(60)).close();
    byte[] expired = ephemeral.verifierBytes("a");
    clock.set(T0.plusSeconds(61));

    ephemeral.mint("a", "g2", T0.plusSeconds(600)).close();

    assertThat(expired).containsOnly((byte) 0);
    assertThat(ephemeral.verifierBytes("a")).isNotSameAs(expired).isNotEqualTo(new byte[32]);
    assertThat(ephemeral.holder("a")).contains("g2");
  }

  @Test
  void holdsAndHolder_unknownAccount_areEmpty() {
    assertThat(ephemeral.holds("nobody")).isFalse();
    assertThat(ephemeral.holder("nobody")).isEmpty();
  }

  @Test
  void holdsAndHolder_followTheCredentialsLife() {
    ephemeral.mint("a", "g1", T0.plusSeconds(60)).close();
    assertThat(ephemeral.holds("a")).isTrue();
    assertThat(ephemeral.holder("a")).contains("g1");

    clock.set(T0.plusSeconds(60));

    assertThat(ephemeral.holds("a")).as("expiry is exclusive").isFalse();
    assertThat(ephemeral.holder("a")).isEmpty();
  }

  @Test
  void anExpiredCredential_isDiscardedWhenItIsPresented() {
    char[] secret;
    try (Credential credential = ephemeral.mint("a", "g1", T0.plusSeconds(60))) {
      secret = credential.secret().clone();
    }
    byte[] verifier = ephemeral.verifierBytes("a");
    clock.set(T0.plusSeconds(61));

    assertThat(ephemeral.verify("a", secret)).isFalse();

    assertThat(verifier).containsOnly((byte) 0);
    assertThat(ephemeral.verifierBytes("a")).isNull();
  }
}

package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlassException;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.LoginAttempt;
import dev.breakglass.ReasonCode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accounts local to the host: each grant mints a fresh credential; nothing long-lived exists. */
class EphemeralAccountTest {
  static final String LOCAL = "local-admin";

  @TempDir Path dir;
  EngineFixture f;
  Authenticator guard;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(dir, EngineFixture.policyBuilder()
        .account(AccountPolicy.builder(LOCAL).requesters("alice", "bob").maxDuration(Duration.ofMinutes(30))
            .ephemeral(true).build())
        .build());
    guard = f.engine.guard(a -> {
      throw new AuthenticationFailedException("not known to the IdP");
    });
    f.openEmergency();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  EmergencyAccessGrant grant(String who) {
    return f.engine.requestAccess(AccessRequest.builder().requester(who).account(LOCAL).reason("outage")
        .duration(Duration.ofMinutes(10)).build());
  }

  @Test
  void eachGrantMintsAFreshCredentialThatWorksOnlyForItsLifetime() {
    EmergencyAccessGrant first = grant("alice");
    char[] one;
    try (Credential c = first.releaseCredential()) {
      one = c.secret().clone();
    }
    assertThat(f.vault.accounts()).as("the vault never holds an ephemeral account").doesNotContain(LOCAL);
    assertThat(guard.authenticate(LoginAttempt.of(LOCAL, one.clone())).isEmergencyAccess()).isTrue();
    assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(LOCAL, "wrong".toCharArray())))
        .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.INVALID_CREDENTIALS));

    first.close("alice");
    assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(LOCAL, one.clone())))
        .isInstanceOf(AuthenticationFailedException.class);

    EmergencyAccessGrant second = grant("bob");
    assertThat(second.status()).as("an ephemeral account needs no rotation before its next grant")
        .isEqualTo(GrantStatus.ACTIVE);
    char[] two;
    try (Credential c = second.releaseCredential()) {
      two = c.secret().clone();
    }
    assertThat(two).isNotEqualTo(one);
    assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(LOCAL, one.clone())))
        .isInstanceOf(AuthenticationFailedException.class);
    assertThat(guard.authenticate(LoginAttempt.of(LOCAL, two.clone())).isEmergencyAccess()).isTrue();
    assertThat(f.rotator.rotations()).isZero();
  }

  @Test
  void mintedCredentialStopsWorkingAtExpiry() {
    EmergencyAccessGrant g = grant("alice");
    char[] secret;
    try (Credential c = g.releaseCredential()) {
      secret = c.secret().clone();
    }
    f.clock.advance(Duration.ofMinutes(10));
    assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(LOCAL, secret)))
        .isInstanceOf(AuthenticationFailedException.class);
  }

  @Test
  void failedReleaseAuditLeavesNoLiveCredential() {
    EmergencyAccessGrant g = grant("alice");
    f.audit.failing(true);
    assertThatThrownBy(g::releaseCredential).isInstanceOf(dev.breakglass.AuditUnavailableException.class);
    f.audit.failing(false);
    try (Credential c = g.releaseCredential()) {
      assertThat(c.secret()).isNotEmpty();
    }
  }
}

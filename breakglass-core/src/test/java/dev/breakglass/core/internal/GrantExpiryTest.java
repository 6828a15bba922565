package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlassException;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.LoginAttempt;
import dev.breakglass.ReasonCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Invariant 3: every grant ends at its absolute expiry, on the injected clock, sweep or no sweep. */
class GrantExpiryTest extends EngineTestBase {
  @Test
  void grantIsActiveUntilOneInstantBeforeExpiryAndExpiredAtIt() {
    EmergencyAccessGrant grant = f.activeDbGrant();
    f.clock.advance(Duration.ofMinutes(20).minusNanos(1));
    assertThat(grant.status()).isEqualTo(GrantStatus.ACTIVE);
    f.clock.advance(Duration.ofNanos(1));
    assertThat(grant.status()).isEqualTo(GrantStatus.EXPIRED);
  }

  @Test
  void expiredGrantReleasesNothingAndAuthenticatesNobodyEvenBeforeTheSweep() {
    EmergencyAccessGrant grant = f.activeDbGrant();
    char[] secret = grant.releaseCredential().secret().clone();
    Authenticator guard = f.engine.guard(a -> {
      throw new AuthenticationFailedException("primary down");
    });
    assertThat(guard.authenticate(LoginAttempt.of(DB, secret.clone())).isEmergencyAccess()).isTrue();

    f.clock.advance(Duration.ofMinutes(20));
    assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(DB, secret.clone())))
        .isInstanceOf(AuthenticationFailedException.class)
        // The caller gets the one answer to every refused break-glass login; the audit log has the reason.
        .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.INVALID_CREDENTIALS));
    assertThatThrownBy(grant::releaseCredential).isInstanceOf(AccessDeniedException.class);
    assertThat(f.engine.openGrants()).isEmpty();
  }

  @Test
  void sweepRecordsTheExpiryAtTheExpiryInstantAndTaintsTheAccount() {
    EmergencyAccessGrant grant = f.activeDbGrant();
    f.clock.advance(Duration.ofHours(3));
    f.rotator.failNext(1);
    f.engine.sweep();
    assertThat(f.count(AuditEventType.GRANT_EXPIRED)).isEqualTo(1);
    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("bob").build()))
        .satisfies(e -> assertThat(((AccessDeniedException) e).code()).isEqualTo(ReasonCode.ACCOUNT_TAINTED));
    assertThat(grant.status()).isEqualTo(GrantStatus.EXPIRED);
  }

  @Test
  void requestedDurationBeyondTheAccountMaximumIsRefused() {
    f.openEmergency();
    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("alice").duration(Duration.ofMinutes(31)).build()))
        .satisfies(e -> assertThat(((AccessDeniedException) e).code()).isEqualTo(ReasonCode.DURATION_TOO_LONG));
  }
}

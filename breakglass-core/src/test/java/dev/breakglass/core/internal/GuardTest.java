package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlassException;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.LoginAttempt;
import dev.breakglass.PrimaryUnavailableException;
import dev.breakglass.ReasonCode;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuardTest {
  @TempDir Path dir;
  EngineFixture f;
  final AtomicInteger primaryCalls = new AtomicInteger();
  volatile RuntimeException primaryFailure;
  Authenticator guard;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(dir);
    guard = f.engine.guard(attempt -> {
      primaryCalls.incrementAndGet();
      if (primaryFailure != null) {
        throw primaryFailure;
      }
      if (attempt.username().equals("jane")) {
        return AuthenticatedPrincipal.of("jane");
      }
      throw new AuthenticationFailedException("rejected");
    });
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private char[] releasedSecret(EmergencyAccessGrant grant) {
    return grant.releaseCredential().secret().clone();
  }

  @Test
  void duringAnEmergencyTheGrantCredentialAuthenticatesAnEmergencyPrincipal() throws Exception {
    EmergencyAccessGrant grant = f.activeDbGrant();
    AuthenticatedPrincipal p = guard.authenticate(LoginAttempt.of(DB, releasedSecret(grant)));
    assertThat(p.isEmergencyAccess()).isTrue();
    assertThat(p.name()).isEqualTo(DB);
    assertThat(p.grant().id()).isEqualTo(grant.id());
    assertThat(p.grant().requester()).isEqualTo("alice");
    assertThat(primaryCalls).as("break-glass accounts never reach the primary in an emergency").hasValue(0);
    assertThat(f.alerts.await(AuditEventType.EMERGENCY_LOGIN).grantId()).isEqualTo(grant.id());
  }

  @Test
  void wrongCredentialIsRefusedAndAudited() {
    f.activeDbGrant();
    assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(DB, "guess".toCharArray())))
        .isInstanceOf(AuthenticationFailedException.class)
        .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.INVALID_CREDENTIALS));
    assertThat(f.count(AuditEventType.EMERGENCY_LOGIN_REFUSED)).isEqualTo(1);
  }

  @Test
  void correctCredentialThatWasNeverReleasedIsRefused() {
    f.activeDbGrant();
    assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(DB, EngineFixture.CANARY.toCharArray())))
        .isInstanceOf(AuthenticationFailedException.class);
  }

  @Test
  void breakGlassAccountWithoutAGrantIsRefusedDuringAnEmergency() {
    f.openEmergency();
    assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(DB, EngineFixture.CANARY.toCharArray())))
        .as("the caller gets the one answer; the audit record says why")
        .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.INVALID_CREDENTIALS))
        .hasMessage("invalid credentials");
    assertThat(f.events()).filteredOn(e -> e.type() == AuditEventType.EMERGENCY_LOGIN_REFUSED)
        .singleElement().satisfies(e -> assertThat(e.details()).containsEntry("reason", "GRANT_NOT_ACTIVE"));
  }

  @Test
  void ordinaryUsersStillGoToThePrimaryDuringAnEmergency() {
    f.openEmergency();
    assertThat(guard.authenticate(LoginAttempt.of("jane", "pw".toCharArray())).isEmergencyAccess()).isFalse();
    assertThat(primaryCalls).hasValue(1);
  }

  @Test
  void infrastructureFailureOfThePrimaryOpensThePathForAnActiveGrantDuringAnEmergency() {
    f.close();
    f = new EngineFixture(dir.resolve("second"), EngineFixture.policyBuilder().endGrantsWhenEmergencyEnds(false).build());
    EmergencyAccessGrant grant = f.activeDbGrant();
    char[] secret = releasedSecret(grant);
    Authenticator g = f.engine.guard(a -> {
      throw new UncheckedIOException(new ConnectException("Connection refused"));
    });
    AuthenticatedPrincipal p = g.authenticate(LoginAttempt.of(DB, secret));
    assertThat(p.isEmergencyAccess()).isTrue();
    assertThat(p.grant().id()).isEqualTo(grant.id());
  }

  @Test
  void infrastructureFailureAfterTheEmergencyEndedIsUseOutsideAnEmergency() throws Exception {
    f.close();
    f = new EngineFixture(dir.resolve("closed"), EngineFixture.policyBuilder().endGrantsWhenEmergencyEnds(false).build());
    EmergencyAccessGrant grant = f.activeDbGrant();
    char[] secret = releasedSecret(grant);
    f.primaryRecovers();
    assertThat(f.engine.emergencyState().isEmergency()).isFalse();
    RuntimeException timedOut = new RuntimeException(new java.util.concurrent.TimeoutException("IdP timed out"));
    Authenticator g = f.engine.guard(a -> {
      throw timedOut;
    });
    assertThatThrownBy(() -> g.authenticate(LoginAttempt.of(DB, secret)))
        .as("the caller gets what any user gets from the failing primary").isSameAs(timedOut);
    assertThat(f.alerts.await(AuditEventType.USE_OUTSIDE_EMERGENCY).severity())
        .isEqualTo(dev.breakglass.spi.Severity.CRITICAL);
    assertThat(f.count(AuditEventType.EMERGENCY_LOGIN)).as("no login went through the grant").isZero();
  }

  @Test
  void explicitPrimaryUnavailableCountsAsInfrastructureFailure() {
    assertThat(Guard.isInfrastructureFailure(new PrimaryUnavailableException("503 from IdP"))).isTrue();
    assertThat(Guard.isInfrastructureFailure(new RuntimeException(new java.net.SocketTimeoutException()))).isTrue();
    assertThat(Guard.isInfrastructureFailure(new AuthenticationFailedException("bad password"))).isFalse();
    assertThat(Guard.isInfrastructureFailure(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void plainRejectionOfTheBreakGlassAccountNeverFallsBackToTheGrant() {
    f.close();
    f = new EngineFixture(dir.resolve("third"), EngineFixture.policyBuilder().endGrantsWhenEmergencyEnds(false).build());
    EmergencyAccessGrant grant = f.activeDbGrant();
    char[] secret = releasedSecret(grant);
    f.primaryRecovers();
    AuthenticationFailedException unknown = new AuthenticationFailedException("unknown user");
    Authenticator g = f.engine.guard(a -> {
      throw unknown;
    });
    assertThatThrownBy(() -> g.authenticate(LoginAttempt.of(DB, secret))).isSameAs(unknown);
    assertThat(f.count(AuditEventType.USE_OUTSIDE_EMERGENCY)).isEqualTo(1);
  }

  @Test
  void otherPrimaryFailuresPropagateUnchanged() {
    IllegalStateException bug = new IllegalStateException("bug in the host");
    primaryFailure = bug;
    assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of("jane", "pw".toCharArray()))).isSameAs(bug);
  }
}

package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.CANARY;
import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlassException;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.LoginAttempt;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invariant 5: any attempt to use break-glass access while the primary is healthy is denied and loud. */
class UseOutsideEmergencyTest {
  @TempDir Path dir;
  EngineFixture f;
  Authenticator guard;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(dir);
    guard = f.engine.guard(attempt -> {
      if (attempt.username().equals("jane") && new String(attempt.secret()).equals("jane-pw")) {
        return AuthenticatedPrincipal.of("jane");
      }
      throw new AuthenticationFailedException("unknown user or wrong password");
    });
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void breakGlassLoginWhilePrimaryHealthyIsDeniedWithACriticalAlert() throws Exception {
    assertThat(f.engine.emergencyState().isEmergency()).isFalse();
    assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(DB, CANARY.toCharArray(), "203.0.113.9")))
        .as("the caller gets the primary's answer, as any unknown user would")
        .isInstanceOf(AuthenticationFailedException.class).hasMessage("unknown user or wrong password")
        .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.INVALID_CREDENTIALS));
    Alert alert = f.alerts.await(AuditEventType.USE_OUTSIDE_EMERGENCY);
    assertThat(alert.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(alert.account()).isEqualTo(DB);
    assertThat(f.count(AuditEventType.USE_OUTSIDE_EMERGENCY)).isEqualTo(1);
  }

  @Test
  void requestOutsideAnEmergencyIsRefused() {
    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("alice").build()))
        .satisfies(e -> assertThat(((AccessDeniedException) e).code()).isEqualTo(ReasonCode.NOT_IN_EMERGENCY));
    assertThat(f.engine.openGrants()).isEmpty();
  }

  @Test
  void releaseAfterTheEmergencyEndedIsRefusedWithACriticalAlert() throws Exception {
    f.close();
    f = new EngineFixture(dir.resolve("keep-grants"),
        EngineFixture.policyBuilder().endGrantsWhenEmergencyEnds(false).build());
    EmergencyAccessGrant grant = f.activeDbGrant();
    f.primaryRecovers();
    assertThat(grant.status()).as("the policy keeps grants when the emergency ends").isEqualTo(GrantStatus.ACTIVE);
    assertThatThrownBy(grant::releaseCredential).isInstanceOf(AccessDeniedException.class)
        .satisfies(e -> assertThat(((AccessDeniedException) e).code()).isEqualTo(ReasonCode.NOT_IN_EMERGENCY));
    assertThat(grant.credentialReleased()).isFalse();
    assertThat(f.alerts.await(AuditEventType.USE_OUTSIDE_EMERGENCY).severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void loginWithAStillActiveGrantAfterTheEmergencyEndedIsRefused() throws Exception {
    f.close();
    f = new EngineFixture(dir.resolve("keep-grants-login"),
        EngineFixture.policyBuilder().endGrantsWhenEmergencyEnds(false).build());
    guard = f.engine.guard(a -> {
      throw new AuthenticationFailedException("not known to the IdP");
    });
    EmergencyAccessGrant grant = f.activeDbGrant();
    char[] secret = grant.releaseCredential().secret().clone();
    f.primaryRecovers();
    assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(DB, secret)))
        .hasMessage("not known to the IdP")
        .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.INVALID_CREDENTIALS));
    assertThat(f.alerts.await(AuditEventType.USE_OUTSIDE_EMERGENCY).severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void ordinaryUsersPassStraightThroughWhileHealthy() {
    assertThat(guard.authenticate(LoginAttempt.of("jane", "jane-pw".toCharArray())).isEmergencyAccess()).isFalse();
    assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of("jane", "nope".toCharArray())))
        .isInstanceOf(AuthenticationFailedException.class)
        .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.INVALID_CREDENTIALS));
    assertThat(f.alerts.anyCritical()).isFalse();
    assertThat(f.events()).isEmpty();
  }
}

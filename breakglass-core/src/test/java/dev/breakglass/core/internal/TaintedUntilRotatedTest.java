package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.CANARY;
import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AuditEventType;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.Severity;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Invariant 6: after a grant ends, its account gets no new grant until its credential is rotated. */
class TaintedUntilRotatedTest extends EngineTestBase {
  @Test
  void endedGrantTaintsTheAccountUntilRotationThenTheAccountIsCleanAgain() {
    EmergencyAccessGrant grant = f.activeDbGrant();
    grant.releaseCredential().close();
    grant.close("alice");

    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("bob").build()))
        .isInstanceOf(AccessDeniedException.class)
        .satisfies(e -> assertThat(((AccessDeniedException) e).code()).isEqualTo(ReasonCode.ACCOUNT_TAINTED))
        .hasMessageContaining("prod-db-backup");

    f.engine.sweep();
    assertThat(f.rotator.rotations()).isEqualTo(1);
    assertThat(f.vault.peek(DB)).isNotEqualTo(CANARY);
    assertThat(f.eventTypes()).containsSubsequence(AuditEventType.GRANT_CLOSED, AuditEventType.ROTATION_STARTED,
        AuditEventType.CREDENTIAL_ROTATED);
    assertThat(f.engine.requestAccess(f.dbRequest("bob").build()).status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
  }

  @Test
  void failedRotationKeepsTheTaintAlertsCriticallyAndRetriesWithBackoff() throws Exception {
    f.rotator.failNext(2);
    EmergencyAccessGrant grant = f.activeDbGrant();
    grant.revoke("carol", "done");

    f.engine.sweep();
    assertThat(f.alerts.await(AuditEventType.ROTATION_FAILED).severity()).isEqualTo(Severity.CRITICAL);
    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("bob").build()))
        .satisfies(e -> assertThat(((AccessDeniedException) e).code()).isEqualTo(ReasonCode.ACCOUNT_TAINTED));

    f.engine.sweep();
    assertThat(f.count(AuditEventType.ROTATION_FAILED)).as("no retry before the backoff elapsed").isEqualTo(1);

    f.clock.advance(Duration.ofSeconds(1));
    f.engine.sweep();
    assertThat(f.count(AuditEventType.ROTATION_FAILED)).isEqualTo(2);

    f.clock.advance(Duration.ofSeconds(1));
    f.engine.sweep();
    assertThat(f.count(AuditEventType.ROTATION_FAILED)).as("second backoff is two seconds").isEqualTo(2);

    f.clock.advance(Duration.ofSeconds(1));
    f.engine.sweep();
    assertThat(f.count(AuditEventType.CREDENTIAL_ROTATED)).isEqualTo(1);
    assertThat(f.engine.requestAccess(f.dbRequest("bob").build()).status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
  }

  @Test
  void deniedRequestDoesNotTaintBecauseNothingWasReleased() {
    f.openEmergency();
    EmergencyAccessGrant grant = f.engine.requestAccess(f.dbRequest("alice").build());
    f.engine.deny(grant.id(), "carol", "no");
    assertThat(f.engine.requestAccess(f.dbRequest("bob").build()).status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
    assertThat(f.rotator.rotations()).isZero();
  }
}

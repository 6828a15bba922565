package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditUnavailableException;
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

/** Invariant 1: nothing is granted, released, approved or rotated unless its audit record is durable first. */
class FailClosedAuditTest {
  @TempDir Path dir;
  EngineFixture f;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(dir);
    f.openEmergency();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void requestIsRefusedAndNothingStoredWhenAuditFails() {
    f.audit.failing(true);
    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("alice").build()))
        .isInstanceOf(AuditUnavailableException.class)
        .extracting(e -> ((AuditUnavailableException) e).code()).isEqualTo(ReasonCode.AUDIT_UNAVAILABLE);
    assertThat(f.engine.openGrants()).isEmpty();
    f.audit.failing(false);
    assertThat(f.engine.requestAccess(f.dbRequest("alice").build()).status())
        .as("the failed request left no reservation on the account").isEqualTo(GrantStatus.PENDING_APPROVAL);
  }

  @Test
  void approvalIsNotCountedWhenAuditFails() {
    EmergencyAccessGrant grant = f.engine.requestAccess(f.dbRequest("alice").build());
    f.audit.failing(true);
    assertThatThrownBy(() -> f.engine.approve(Approval.of(grant, "carol")))
        .isInstanceOf(AuditUnavailableException.class);
    f.audit.failing(false);
    assertThat(grant.approvals()).isEmpty();
  }

  @Test
  void grantIsNotIssuedWhenItsIssueRecordFails() {
    EmergencyAccessGrant grant = f.engine.requestAccess(f.dbRequest("alice").build());
    f.engine.approve(Approval.of(grant, "carol"));
    f.audit.failAfter(1);
    assertThatThrownBy(() -> f.engine.approve(Approval.of(grant, "dave")))
        .isInstanceOf(AuditUnavailableException.class);
    f.audit.failing(false);
    assertThat(grant.approvals()).as("the approval itself was audited and counted").hasSize(2);
    assertThat(grant.status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
    assertThat(f.count(AuditEventType.GRANT_ISSUED)).isZero();
    f.engine.sweep();
    assertThat(grant.status()).as("the sweep issues it once the audit works again").isEqualTo(GrantStatus.ACTIVE);
  }

  @Test
  void credentialIsNotReleasedWhenAuditFails() {
    f.audit.failing(false);
    EmergencyAccessGrant grant = f.engine.requestAccess(f.dbRequest("alice").build());
    f.engine.approve(Approval.of(grant, "carol"));
    f.engine.approve(Approval.of(grant, "dave"));
    f.audit.failing(true);
    assertThatThrownBy(grant::releaseCredential).isInstanceOf(AuditUnavailableException.class);
    f.audit.failing(false);
    assertThat(grant.credentialReleased()).isFalse();
    grant.releaseCredential().close();
    assertThat(grant.credentialReleased()).isTrue();
  }

  @Test
  void emergencyLoginIsRefusedWhenAuditFails() {
    EmergencyAccessGrant grant = f.engine.requestAccess(f.dbRequest("alice").build());
    f.engine.approve(Approval.of(grant, "carol"));
    f.engine.approve(Approval.of(grant, "dave"));
    char[] secret = grant.releaseCredential().secret().clone();
    f.audit.failing(true);
    var guard = f.engine.guard(a -> {
      throw new AssertionError("primary must not be called for a break-glass account during an emergency");
    });
    assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(DB, secret)))
        .isInstanceOf(AuditUnavailableException.class);
  }

  @Test
  void rotationDoesNotClearTheTaintWhenAuditFails() {
    EmergencyAccessGrant grant = f.engine.requestAccess(f.dbRequest("alice").build());
    f.engine.approve(Approval.of(grant, "carol"));
    f.engine.approve(Approval.of(grant, "dave"));
    grant.close("alice");
    f.audit.failing(true);
    f.engine.sweep();
    assertThat(f.rotator.rotations()).as("no rotation starts without its audit record").isZero();
    f.audit.failing(false);
    f.clock.advance(Duration.ofMinutes(10));
    f.engine.sweep();
    assertThat(f.rotator.rotations()).isEqualTo(1);
  }
}

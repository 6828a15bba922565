package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.APP;
import static dev.breakglass.core.internal.EngineFixture.CANARY;
import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlassException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.CredentialCheck;
import dev.breakglass.DrillResult;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.InvalidRequestException;
import dev.breakglass.LoginAttempt;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drills run the real procedure (request, the custodians' approvals, release, proof at the target,
 * close, rotation, proof again), are marked everywhere, and are never real access.
 */
class DrillTest {
  @TempDir Path dir;

  static BreakGlassPolicy drilledPolicy(Duration every) {
    BreakGlassPolicy base = EngineFixture.defaultPolicy();
    BreakGlassPolicy.Builder b = BreakGlassPolicy.builder();
    AccountPolicy db = base.accounts().get(DB);
    b.account(AccountPolicy.builder(DB).requesters("alice", "bob").custodians("alice", "carol", "dave", "erin")
        .approvals(2).maxDuration(db.maxDuration()).ticketRequired(true).identificationRequired("badge")
        .backupAccount(EngineFixture.BACKUP).drillEvery(every).build());
    b.account(base.accounts().get(EngineFixture.BACKUP)).account(base.accounts().get(APP));
    return b.incidentDeclarers("sre-lead").approvalTimeout(Duration.ofMinutes(15)).build();
  }

  static AccessRequest drillRequest(String who) {
    return AccessRequest.builder().requester(who).account(DB).reason("quarterly drill").ticket("DRILL-2026-Q4")
        .identification("badge", "E-10442").duration(Duration.ofMinutes(10)).build();
  }

  /** Files a drill of the DB account as alice and has carol and dave approve it. */
  static EmergencyAccessGrant approvedDrill(EngineFixture f) {
    EmergencyAccessGrant drill = f.engine.requestDrill(drillRequest("alice"));
    f.engine.approve(Approval.of(drill, "carol"));
    f.engine.approve(Approval.of(drill, "dave"));
    return drill;
  }

  @Test
  void aDrillGoesThroughRequestApprovalsReleaseProofCloseAndRotationOutsideAnEmergency() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      EmergencyAccessGrant drill = f.engine.requestDrill(drillRequest("alice"));
      assertThat(drill.isDrill()).isTrue();
      assertThat(drill.id()).startsWith("bg-drill-");
      assertThat(drill.status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
      assertThat(drill.approvalsRequired()).isEqualTo(2);
      f.engine.approve(Approval.of(drill, "carol"));
      f.engine.approve(Approval.of(drill, "dave"));
      assertThat(drill.status()).isEqualTo(GrantStatus.ACTIVE);

      DrillResult result = f.engine.completeDrill(drill.id(), "alice");

      assertThat(result.succeeded()).as(result.detail()).isTrue();
      assertThat(result.drillId()).isEqualTo(drill.id());
      assertThat(result.proofBefore().outcome()).isEqualTo(CredentialCheck.Outcome.FRESH);
      assertThat(f.rotator.verified()).as("the released credential itself was proven, then the rotated one")
          .containsExactly(CANARY, "rotated-1-value");
      assertThat(result.rotated()).isTrue();
      assertThat(result.proofAfter().outcome()).isEqualTo(CredentialCheck.Outcome.FRESH);
      try (var c = f.vault.read(DB)) {
        assertThat(new String(c.secret())).as("the drilled credential was replaced").isNotEqualTo(CANARY);
      }
      assertThat(drill.status()).isEqualTo(GrantStatus.CLOSED);
      assertThat(f.eventTypes()).containsExactly(AuditEventType.DRILL_STARTED, AuditEventType.ACCESS_REQUESTED,
          AuditEventType.APPROVAL_ACCEPTED, AuditEventType.APPROVAL_ACCEPTED, AuditEventType.GRANT_ISSUED,
          AuditEventType.CREDENTIAL_RELEASE_ATTEMPT, AuditEventType.CREDENTIAL_RELEASED, AuditEventType.GRANT_CLOSED,
          AuditEventType.ROTATION_STARTED, AuditEventType.CREDENTIAL_ROTATED, AuditEventType.DRILL_COMPLETED);
      assertThat(f.events()).allSatisfy(e -> {
        assertThat(e.details()).containsEntry("drill", "true").containsEntry("drillId", drill.id());
        assertThat(e.grantId()).isEqualTo(drill.id());
      });
      assertThat(f.events()).filteredOn(e -> e.type() == AuditEventType.APPROVAL_ACCEPTED)
          .extracting(AuditEvent::actor).containsExactly("carol", "dave");
      assertThat(f.engine.emergencyState().isEmergency()).as("a drill does not open the emergency path").isFalse();
      assertThat(f.engine.openGrants()).as("nothing of the drill stays open").isEmpty();
      f.alerts.await(AuditEventType.DRILL_COMPLETED);
      List<Alert> drillAlerts = f.alerts.received().stream().filter(a -> drill.id().equals(a.grantId())).toList();
      assertThat(drillAlerts).extracting(Alert::type).contains(AuditEventType.GRANT_ISSUED,
          AuditEventType.CREDENTIAL_RELEASED, AuditEventType.DRILL_COMPLETED);
      assertThat(drillAlerts).allSatisfy(a -> assertThat(a.summary()).startsWith("[DRILL] "));
      assertThat(f.alerts.received()).noneMatch(a -> a.type() == AuditEventType.USE_OUTSIDE_EMERGENCY)
          .noneMatch(a -> a.severity() == Severity.CRITICAL);
      assertThat(f.engine.checkCredentials()).filteredOn(c -> c.account().equals(DB))
          .singleElement().satisfies(c -> assertThat(c.lastDrill()).isEqualTo(result.finishedAt()));
      assertThat(f.engine.checkCredentials()).filteredOn(c -> c.account().equals(APP))
          .singleElement().satisfies(c -> assertThat(c.lastDrill()).isNull());
      f.openEmergency();
      assertThat(f.engine.requestAccess(f.dbRequest("bob").build()).isDrill())
          .as("after its drill the account is clean for real use").isFalse();
    }
  }

  @Test
  void aDrillGrantIsRefusedAsRealAccessByReleaseAndByTheGuardInAndOutsideAnEmergency() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      Authenticator guard = f.engine.guard(attempt -> {
        throw new AuthenticationFailedException("unknown user or wrong password");
      });
      EmergencyAccessGrant drill = approvedDrill(f);

      assertThatThrownBy(drill::releaseCredential).isInstanceOf(AccessDeniedException.class)
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.DRILL_GRANT))
          .hasMessageContaining("drill");
      assertThat(drill.credentialReleased()).isFalse();
      assertThat(f.events()).filteredOn(e -> e.type() == AuditEventType.CREDENTIAL_RELEASE_REFUSED).singleElement()
          .satisfies(e -> assertThat(e.details()).containsEntry("reason", "DRILL_GRANT").containsEntry("drill", "true"));

      assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(DB, CANARY.toCharArray(), "203.0.113.9")))
          .isInstanceOf(AuthenticationFailedException.class)
          // The caller gets the primary's answer; the audit record and the alert say what it was.
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.INVALID_CREDENTIALS));
      assertThat(f.alerts.await(AuditEventType.USE_OUTSIDE_EMERGENCY).severity()).isEqualTo(Severity.CRITICAL);

      f.openEmergency();
      assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(DB, CANARY.toCharArray(), "203.0.113.9")))
          .as("the right credential during an emergency still gets no login through a drill grant")
          .isInstanceOf(AuthenticationFailedException.class)
          // One answer for every refused emergency login; the audit record says it was a drill grant.
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.INVALID_CREDENTIALS));
      assertThat(f.count(AuditEventType.EMERGENCY_LOGIN)).isZero();
      assertThat(f.events()).filteredOn(e -> e.type() == AuditEventType.EMERGENCY_LOGIN_REFUSED).singleElement()
          .satisfies(e -> assertThat(e.details()).containsEntry("reason", "DRILL_GRANT")
              .containsEntry("drillId", drill.id()));
      assertThatThrownBy(drill::releaseCredential).as("not during an emergency either")
          .isInstanceOf(AccessDeniedException.class)
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.DRILL_GRANT));
      assertThat(f.count(AuditEventType.CREDENTIAL_RELEASED)).isZero();
    }
  }

  @Test
  void theCustodiansApproveADrillUnderTheRulesOfAnyRequest() {
    try (EngineFixture f = new EngineFixture(dir)) {
      EmergencyAccessGrant drill = f.engine.requestDrill(drillRequest("alice"));
      assertThatThrownBy(() -> f.engine.approve(Approval.of(drill, "alice")))
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.SELF_APPROVAL));
      assertThatThrownBy(() -> f.engine.approve(Approval.of(drill, "mallory")))
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.NOT_A_CUSTODIAN));
      assertThatThrownBy(() -> f.engine.approve(Approval.of(drill.id(), "carol", "0".repeat(64), null)))
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.APPROVAL_MISMATCH));
      f.engine.approve(Approval.of(drill, "carol"));
      assertThatThrownBy(() -> f.engine.completeDrill(drill.id(), "alice"))
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.GRANT_NOT_ACTIVE))
          .hasMessageContaining("1 of 2");
      assertThatThrownBy(() -> f.engine.completeDrill(drill.id(), "mallory"))
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.NOT_AUTHORIZED));
      assertThat(f.count(AuditEventType.CREDENTIAL_RELEASED)).isZero();
      assertThat(f.rotator.rotations()).isZero();
    }
  }

  @Test
  void aDrillRequestMissingWhatThePolicyAsksForFailsTheDrillAtItsRequest() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      AccessRequest noTicket = AccessRequest.builder().requester("alice").account(DB).reason("drill")
          .identification("badge", "E-1").duration(Duration.ofMinutes(5)).build();
      assertThatThrownBy(() -> f.engine.requestDrill(noTicket))
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.MISSING_TICKET));
      assertThat(f.eventTypes()).containsExactly(AuditEventType.DRILL_STARTED, AuditEventType.ACCESS_DENIED,
          AuditEventType.DRILL_FAILED);
      Alert failed = f.alerts.await(AuditEventType.DRILL_FAILED);
      assertThat(failed.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(failed.summary()).startsWith("[DRILL]").contains("request");
    }
  }

  @Test
  void aDrillDeniedBeforeItsApprovalsFailsAtApprovalWithARecordAndACriticalAlert() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      EmergencyAccessGrant drill = f.engine.requestDrill(drillRequest("alice"));
      f.engine.approve(Approval.of(drill, "carol"));
      f.engine.deny(dev.breakglass.Denial.of(drill, "dave", "not this week"));

      assertThat(f.eventTypes()).endsWith(AuditEventType.REQUEST_DENIED, AuditEventType.DRILL_FAILED);
      AuditEvent failed = f.events().get(f.events().size() - 1);
      assertThat(failed.grantId()).isEqualTo(drill.id());
      assertThat(failed.details()).containsEntry("step", "approval").containsEntry("rotated", "false")
          .containsEntry("drill", "true").containsEntry("drillId", drill.id());
      assertThat(failed.details().get("error")).contains("DENIED");
      Alert alert = f.alerts.await(AuditEventType.DRILL_FAILED);
      assertThat(alert.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(alert.summary()).startsWith("[DRILL]").contains("approval");
      assertThatThrownBy(() -> f.engine.completeDrill(drill.id(), "alice"))
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.GRANT_NOT_ACTIVE));
      assertThat(f.count(AuditEventType.DRILL_FAILED)).as("one outcome per drill").isEqualTo(1);
    }
  }

  @Test
  void aDrillWhoseApprovalsTimeOutFailsAtApproval() {
    try (EngineFixture f = new EngineFixture(dir)) {
      EmergencyAccessGrant drill = f.engine.requestDrill(drillRequest("alice"));
      f.clock.advance(Duration.ofMinutes(16));
      f.engine.sweep();
      assertThat(f.eventTypes()).endsWith(AuditEventType.APPROVAL_EXPIRED, AuditEventType.DRILL_FAILED);
      assertThat(f.events().get(f.events().size() - 1).details()).containsEntry("step", "approval");
      f.engine.sweep();
      assertThat(f.count(AuditEventType.DRILL_FAILED)).isEqualTo(1);
      assertThat(drill.id()).isNotNull();
    }
  }

  @Test
  void anApprovedDrillRevokedOrClosedBeforeItsCompletionFailsAndTheAccountIsStillRotated() {
    try (EngineFixture f = new EngineFixture(dir)) {
      EmergencyAccessGrant revoked = approvedDrill(f);
      f.engine.revoke(revoked.id(), "sre-lead", "stop the drill");
      assertThat(f.eventTypes()).endsWith(AuditEventType.GRANT_REVOKED, AuditEventType.DRILL_FAILED);
      AuditEvent failed = f.events().get(f.events().size() - 1);
      assertThat(failed.grantId()).isEqualTo(revoked.id());
      assertThat(failed.details()).containsEntry("step", "complete");
      assertThat(failed.details().get("error")).contains("REVOKED", "before it was completed");
      f.engine.sweep();
      assertThat(f.rotator.rotations()).as("an approved drill leaves the account tainted until rotated")
          .isEqualTo(1);

      EmergencyAccessGrant closed = approvedDrill(f);
      f.engine.close(closed.id(), "alice");
      assertThat(f.eventTypes()).endsWith(AuditEventType.GRANT_CLOSED, AuditEventType.DRILL_FAILED);
      assertThat(f.count(AuditEventType.DRILL_FAILED)).isEqualTo(2);
      assertThat(f.count(AuditEventType.DRILL_COMPLETED)).isZero();
    }
  }

  @Test
  void aRealRequestWaitsForARunningDrillAndNoDrillIsFiledDuringAnEmergency() {
    try (EngineFixture f = new EngineFixture(dir)) {
      EmergencyAccessGrant drill = approvedDrill(f);
      f.openEmergency();
      assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("bob").build()))
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.ACCOUNT_IN_USE))
          .hasMessageContaining(drill.id());
      f.engine.revoke(drill.id(), "sre-lead", "real emergency: the account is needed");
      assertThatThrownBy(() -> f.engine.requestDrill(drillRequest("bob")))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("emergency is open");
    }
  }

  @Test
  void aCredentialRejectedAtItsTargetFailsTheDrillCriticallyAndIsStillRotated() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.rotator.stale(DB);
      DrillResult drill = f.engine.completeDrill(approvedDrill(f).id(), "alice");

      assertThat(drill.succeeded()).isFalse();
      assertThat(drill.failedStep()).isEqualTo("prove");
      assertThat(drill.proofBefore().outcome()).isEqualTo(CredentialCheck.Outcome.STALE);
      assertThat(drill.rotated()).as("the released credential is rotated whatever the proof said").isTrue();
      assertThat(f.rotator.rotations()).isEqualTo(1);
      Alert failed = f.alerts.await(AuditEventType.DRILL_FAILED);
      assertThat(failed.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(failed.summary()).startsWith("[DRILL]").contains("prove");
      assertThat(f.engine.checkCredentials()).filteredOn(c -> c.account().equals(DB))
          .singleElement().satisfies(c -> assertThat(c.lastDrill()).isNull());
    }
  }

  @Test
  void aFailedRotationFailsTheDrillAtTheRotateStepAndLeavesTheAccountTainted() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.rotator.failNext(1);
      DrillResult drill = f.engine.completeDrill(approvedDrill(f).id(), "alice");
      assertThat(drill.succeeded()).isFalse();
      assertThat(drill.failedStep()).isEqualTo("rotate");
      assertThat(drill.rotated()).isFalse();
      assertThat(f.count(AuditEventType.ROTATION_FAILED)).isEqualTo(1);
      assertThat(f.count(AuditEventType.DRILL_FAILED)).isEqualTo(1);
      f.openEmergency();
      assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("bob").build()))
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.ACCOUNT_TAINTED));
    }
  }

  @Test
  void anAccountWithoutApprovalsIsDrilledInOneCallAndOthersAreSentToTheRealProcedure() {
    try (EngineFixture f = new EngineFixture(dir)) {
      DrillResult drill = f.engine.drill(APP, "alice");
      assertThat(drill.succeeded()).as(drill.detail()).isTrue();
      assertThat(drill.drillId()).startsWith("bg-drill-");
      assertThat(f.eventTypes()).contains(AuditEventType.ACCESS_REQUESTED, AuditEventType.GRANT_ISSUED,
          AuditEventType.CREDENTIAL_RELEASED, AuditEventType.CREDENTIAL_ROTATED, AuditEventType.DRILL_COMPLETED);

      assertThatThrownBy(() -> f.engine.drill(DB, "alice")).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("2 custodian approval").hasMessageContaining("requestDrill");
    }
  }

  @Test
  void unknownEphemeralOrRealGrantsAreRefusedAndNothingIsAudited() {
    BreakGlassPolicy withEphemeral = EngineFixture.policyBuilder()
        .account(AccountPolicy.builder("minted").requesters("alice").ephemeral(true).build()).build();
    try (EngineFixture f = new EngineFixture(dir, withEphemeral)) {
      assertThatThrownBy(() -> f.engine.drill("no-such-account", "alice"))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no-such-account");
      assertThatThrownBy(() -> f.engine.drill("minted", "alice"))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("ephemeral");
      assertThatThrownBy(() -> f.engine.drill(APP, " "))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("actor");
      assertThatThrownBy(() -> f.engine.completeDrill("bg-0123", "alice"))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not a drill grant");
      assertThat(f.events()).isEmpty();
    }
  }

  @Test
  void staleDrillRaisesOneHighAlertOnTheInjectedClockUntilTheNextDrill() throws Exception {
    try (EngineFixture f = new EngineFixture(dir, drilledPolicy(Duration.ofDays(90)))) {
      f.clock.advance(Duration.ofDays(89));
      f.engine.checkHealthNow();
      assertThat(f.count(AuditEventType.DRILL_OVERDUE)).as("within the interval").isZero();

      f.clock.advance(Duration.ofDays(2));
      f.engine.checkHealthNow();
      Alert overdue = f.alerts.await(AuditEventType.DRILL_OVERDUE);
      assertThat(overdue.severity()).isEqualTo(Severity.HIGH);
      assertThat(overdue.account()).isEqualTo(DB);
      assertThat(overdue.summary()).startsWith("[DRILL]").contains("overdue");
      f.engine.sweep();
      f.engine.checkHealthNow();
      assertThat(f.count(AuditEventType.DRILL_OVERDUE)).as("alerted once per overdue period").isEqualTo(1);
      assertThat(overdueAccounts(f)).containsExactly(DB);

      assertThat(f.engine.completeDrill(approvedDrill(f).id(), "alice").succeeded()).isTrue();
      f.engine.checkHealthNow();
      assertThat(f.count(AuditEventType.DRILL_OVERDUE)).isEqualTo(1);

      f.clock.advance(Duration.ofDays(91));
      f.engine.sweep();
      assertThat(f.count(AuditEventType.DRILL_OVERDUE)).as("overdue again 91 days after the drill").isEqualTo(2);
    }
  }

  @Test
  void accountsWithoutAnIntervalAreNeverOverdue() {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.clock.advance(Duration.ofDays(3650));
      f.engine.checkHealthNow();
      assertThat(f.count(AuditEventType.DRILL_OVERDUE)).isZero();
    }
  }

  private static List<String> overdueAccounts(EngineFixture f) {
    return f.events().stream().filter(e -> e.type() == AuditEventType.DRILL_OVERDUE).map(AuditEvent::account)
        .collect(Collectors.toList());
  }
}

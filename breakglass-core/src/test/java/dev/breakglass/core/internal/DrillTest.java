package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.CANARY;
import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlassException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.CredentialCheck;
import dev.breakglass.DrillResult;
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

/** Drills: proven at the target, rotated, proven again, marked everywhere, never real access. */
class DrillTest {
  @TempDir Path dir;

  static BreakGlassPolicy drilledPolicy(Duration every) {
    BreakGlassPolicy base = EngineFixture.defaultPolicy();
    BreakGlassPolicy.Builder b = BreakGlassPolicy.builder();
    AccountPolicy db = base.accounts().get(DB);
    b.account(AccountPolicy.builder(DB).requesters("alice", "bob").custodians("alice", "carol", "dave", "erin")
        .approvals(2).maxDuration(db.maxDuration()).ticketRequired(true).identificationRequired("badge")
        .backupAccount(EngineFixture.BACKUP).drillEvery(every).build());
    b.account(base.accounts().get(EngineFixture.BACKUP)).account(base.accounts().get(EngineFixture.APP));
    return b.incidentDeclarers("sre-lead").approvalTimeout(Duration.ofMinutes(15)).build();
  }

  @Test
  void drillOutsideAnEmergencyProvesRotatesAndProvesAgainWithoutTheOutsideUseAlarm() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      DrillResult drill = f.engine.drill(DB, "alice");

      assertThat(drill.succeeded()).isTrue();
      assertThat(drill.proofBefore().outcome()).isEqualTo(CredentialCheck.Outcome.FRESH);
      assertThat(drill.rotated()).isTrue();
      assertThat(drill.proofAfter().outcome()).isEqualTo(CredentialCheck.Outcome.FRESH);
      assertThat(f.rotator.rotations()).isEqualTo(1);
      try (var c = f.vault.read(DB)) {
        assertThat(new String(c.secret())).as("the drilled credential was replaced").isNotEqualTo(CANARY);
      }
      assertThat(f.eventTypes()).containsExactly(AuditEventType.DRILL_STARTED, AuditEventType.ROTATION_STARTED,
          AuditEventType.CREDENTIAL_ROTATED, AuditEventType.DRILL_COMPLETED);
      assertThat(f.events()).allSatisfy(e -> assertThat(e.details())
          .containsEntry("drill", "true").containsEntry("drillId", drill.drillId()));
      assertThat(f.engine.emergencyState().isEmergency()).as("a drill does not open the emergency path").isFalse();
      assertThat(f.engine.openGrants()).as("a drill issues no grant").isEmpty();
      Alert completed = f.alerts.await(AuditEventType.DRILL_COMPLETED);
      assertThat(completed.summary()).startsWith("[DRILL]");
      assertThat(f.alerts.received()).noneMatch(a -> a.type() == AuditEventType.USE_OUTSIDE_EMERGENCY)
          .noneMatch(a -> a.severity() == Severity.CRITICAL);
      assertThat(f.engine.checkCredentials()).filteredOn(c -> c.account().equals(DB))
          .singleElement().satisfies(c -> assertThat(c.lastDrill()).isEqualTo(drill.finishedAt()));
      assertThat(f.engine.checkCredentials()).filteredOn(c -> c.account().equals(EngineFixture.APP))
          .singleElement().satisfies(c -> assertThat(c.lastDrill()).isNull());
    }
  }

  @Test
  void aDrilledAccountIsStillRefusedAsRealAccessOutsideAndDuringAnEmergency() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      Authenticator guard = f.engine.guard(attempt -> {
        throw new AuthenticationFailedException("unknown user or wrong password");
      });
      DrillResult drill = f.engine.drill(DB, "alice");
      assertThat(drill.succeeded()).isTrue();
      char[] drilled;
      try (var c = f.vault.read(DB)) {
        drilled = c.secret().clone();
      }

      assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(DB, drilled.clone(), "203.0.113.9")))
          .isInstanceOf(AuthenticationFailedException.class)
          // The caller gets the primary's answer; the audit record and the alert say what it was.
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.INVALID_CREDENTIALS));
      assertThat(f.alerts.await(AuditEventType.USE_OUTSIDE_EMERGENCY).severity()).isEqualTo(Severity.CRITICAL);

      f.openEmergency();
      assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(DB, drilled.clone(), "203.0.113.9")))
          .as("the drill left no grant behind to log in with")
          .isInstanceOf(AuthenticationFailedException.class);
      assertThat(f.count(AuditEventType.EMERGENCY_LOGIN)).isZero();
    }
  }

  @Test
  void aCredentialRejectedAtItsTargetFailsTheDrillCriticallyAndIsNotRotated() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.rotator.stale(DB);
      DrillResult drill = f.engine.drill(DB, "alice");

      assertThat(drill.succeeded()).isFalse();
      assertThat(drill.failedStep()).isEqualTo("prove");
      assertThat(drill.proofBefore().outcome()).isEqualTo(CredentialCheck.Outcome.STALE);
      assertThat(drill.rotated()).isFalse();
      assertThat(f.rotator.rotations()).isZero();
      Alert failed = f.alerts.await(AuditEventType.DRILL_FAILED);
      assertThat(failed.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(failed.summary()).startsWith("[DRILL]").contains("prove");
      assertThat(f.engine.checkCredentials()).filteredOn(c -> c.account().equals(DB))
          .singleElement().satisfies(c -> assertThat(c.lastDrill()).isNull());
    }
  }

  @Test
  void aFailedRotationFailsTheDrillAtTheRotateStep() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.rotator.failNext(1);
      DrillResult drill = f.engine.drill(DB, "alice");
      assertThat(drill.succeeded()).isFalse();
      assertThat(drill.failedStep()).isEqualTo("rotate");
      assertThat(drill.detail()).contains("target refused the password change");
      assertThat(f.count(AuditEventType.DRILL_FAILED)).isEqualTo(1);
    }
  }

  @Test
  void unknownOrEphemeralAccountsAreRefusedAndNothingIsAudited() {
    try (EngineFixture f = new EngineFixture(dir)) {
      assertThatThrownBy(() -> f.engine.drill("no-such-account", "alice"))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no-such-account");
      assertThatThrownBy(() -> f.engine.drill(DB, " "))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("actor");
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

      assertThat(f.engine.drill(DB, "alice").succeeded()).isTrue();
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

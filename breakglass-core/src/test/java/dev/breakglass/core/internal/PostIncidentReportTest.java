package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.CANARY;
import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.Approval;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.LoginAttempt;
import dev.breakglass.core.audit.PostIncidentReport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invariant 7 (first half): the review is produced from the audit log alone. */
class PostIncidentReportTest {
  @TempDir Path dir;

  @Test
  void reportTellsTheWholeStoryFromTheLogAlone() {
    String grantId;
    try (EngineFixture f = new EngineFixture(dir)) {
      Authenticator guard = f.engine.guard(a -> {
        throw new AuthenticationFailedException("no");
      });
      assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(DB, "x".toCharArray())));
      f.openEmergency();
      EmergencyAccessGrant grant = f.engine.requestAccess(f.dbRequest("alice").build());
      grantId = grant.id();
      assertThatThrownBy(() -> f.engine.approve(Approval.of(grant, "alice")));
      f.engine.approve(Approval.of(grant, "carol"));
      f.engine.approve(Approval.of(grant, "dave"));
      char[] secret = grant.releaseCredential().secret().clone();
      guard.authenticate(LoginAttempt.of(DB, secret));
      grant.close("alice");
      f.engine.sweep();
    }
    PostIncidentReport report = PostIncidentReport.of(new EngineFixture.AuditFile(dir.resolve("audit.jsonl")).events());
    String text = report.toText();
    assertThat(report.grantsIssued()).isEqualTo(1);
    assertThat(report.grantsStillOpen()).isEmpty();
    assertThat(report.accountsNotRotated()).isEmpty();
    assertThat(report.usesOutsideEmergency()).hasSize(1);
    assertThat(text).containsSubsequence("Emergency state", "EMERGENCY_OPENED", "Grants (1 request, 1 issued)",
        grantId + ": alice -> " + DB, "approved", "by carol", "by dave", "issued", "released", "used      1 time, at",
        "ended", "GRANT_CLOSED by alice", "rotated", "Use outside an emergency (1)", "Refusals",
        "SELF_APPROVAL", "Open items", "grants not ended: none");
    assertThat(text).doesNotContain(CANARY);
  }

  @Test
  void accountsLeftUnrotatedAndGrantsLeftOpenAreOpenItems() {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.rotator.failNext(5);
      EmergencyAccessGrant first = f.activeDbGrant();
      first.revoke("carol", "done");
      f.engine.sweep();
      f.engine.declareIncident("sre-lead", "second outage");
      f.engine.requestAccess(dev.breakglass.AccessRequest.builder().requester("bob").account(EngineFixture.APP)
          .reason("jobs").duration(java.time.Duration.ofMinutes(5)).build());
    }
    PostIncidentReport report = PostIncidentReport.of(new EngineFixture.AuditFile(dir.resolve("audit.jsonl")).events());
    assertThat(report.accountsNotRotated()).containsExactly(DB);
    assertThat(report.grantsStillOpen()).hasSize(1);
    assertThat(report.toText()).contains("Rotation failures (1)", "accounts not rotated since their last grant: " + DB);
  }
}

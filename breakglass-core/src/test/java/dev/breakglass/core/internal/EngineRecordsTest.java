package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.APP;
import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.BreakGlassPolicy.RateLimit;
import dev.breakglass.LoginAttempt;
import dev.breakglass.RateLimitedException;
import dev.breakglass.ReasonCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the audit log and the alerts say about refusals, probe rounds, incidents and credential checks. */
class EngineRecordsTest {
  @TempDir Path dir;

  private static AuditEvent only(EngineFixture f, AuditEventType type) {
    List<AuditEvent> matching = f.events().stream().filter(e -> e.type() == type).toList();
    assertThat(matching).as("records of %s", type).hasSize(1);
    return matching.get(0);
  }

  @Test
  void aFailedProbeRound_recordsEachProbesAnswerInClear() {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.openEmergency();

      assertThat(f.events()).filteredOn(e -> e.type() == AuditEventType.PROBE_FAILED).isNotEmpty()
          .allSatisfy(e -> assertThat(e.details()).containsEntry("scripted-idp", "connection refused"));
    }
  }

  @Test
  void closingAnIncident_isRecordedWithItsReason_andRefusedToOthers() {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.engine.declareIncident("sre-lead", "MFA provider compromised");

      assertThatThrownBy(() -> f.engine.closeIncident("mallory", "nothing to see"))
          .isInstanceOf(AccessDeniedException.class).hasMessage("'mallory' may not close incidents");
      assertThat(only(f, AuditEventType.ACCESS_DENIED).details())
          .containsEntry("reason", ReasonCode.NOT_AUTHORIZED.name()).containsEntry("operation", "close-incident");
      assertThat(f.engine.emergencyState().isEmergency()).isTrue();

      f.engine.closeIncident("sre-lead", "provider restored");
      assertThat(only(f, AuditEventType.INCIDENT_CLOSED).details()).containsEntry("reason", "provider restored");
      assertThat(f.engine.emergencyState().isEmergency()).isFalse();
    }
  }

  @Test
  void aRateLimitedRequest_isRecordedWithTheWait() {
    try (EngineFixture f = new EngineFixture(dir, EngineFixture.policyBuilder()
        .rateLimit(new RateLimit(1, Duration.ofMinutes(10), Duration.ofHours(1))).build())) {
      f.openEmergency();
      f.engine.requestAccess(f.dbRequest("alice").build());

      assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("alice").build()))
          .isInstanceOf(RateLimitedException.class);
      assertThat(f.events()).filteredOn(e -> e.type() == AuditEventType.ACCESS_DENIED).singleElement()
          .satisfies(e -> assertThat(e.details()).containsEntry("reason", ReasonCode.RATE_LIMITED.name())
              .containsEntry("retryAfterSeconds", "600"));
    }
  }

  @Test
  void aRefusedRequest_isRecordedWithItsReasonCode() {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.openEmergency();

      AccessDeniedException e = catchThrowableOfType(AccessDeniedException.class,
          () -> f.engine.requestAccess(f.dbRequest("mallory").build()));

      assertThat(e).as("mallory may not request").isNotNull();
      AuditEvent refusal = only(f, AuditEventType.ACCESS_DENIED);
      assertThat(refusal.actor()).isEqualTo("mallory");
      assertThat(refusal.account()).isEqualTo(DB);
      assertThat(refusal.details()).containsEntry("reason", e.code().name()).containsEntry("detail", e.getMessage());
    }
  }

  @Test
  void anEmergencyLoginWithoutAGrant_isRefusedAndRecorded() {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.openEmergency();

      assertThatThrownBy(() -> f.engine.emergencyLogin(LoginAttempt.of(APP, "guess".toCharArray()), null))
          .isInstanceOf(AuthenticationFailedException.class)
          .hasMessage(EmergencyLogins.REFUSED);
      AuditEvent refusal = only(f, AuditEventType.EMERGENCY_LOGIN_REFUSED);
      assertThat(refusal.account()).isEqualTo(APP);
      assertThat(refusal.details()).containsEntry("reason", ReasonCode.GRANT_NOT_ACTIVE.name());
    }
  }

  @Test
  void credentialChecks_sayWhichAreUnusable() throws Exception {
    BreakGlassPolicy policy = EngineFixture.policyBuilder()
        .account(AccountPolicy.builder("ghost").requesters("alice").build()).build();
    try (EngineFixture f = new EngineFixture(dir, policy)) {
      f.engine.checkCredentials();

      assertThat(f.alerts.await(AuditEventType.CREDENTIALS_UNUSABLE).summary())
          .isEqualTo("UNUSABLE break-glass credentials: ghost=UNREADABLE");
      assertThat(f.events()).extracting(AuditEvent::type).doesNotContain(AuditEventType.CREDENTIALS_CHECKED);
    }
  }

  @Test
  void credentialChecks_allUsable_areRecordedAsChecked() {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.engine.checkCredentials();

      assertThat(only(f, AuditEventType.CREDENTIALS_CHECKED).details())
          .containsEntry(DB, "FRESH").containsEntry(APP, "FRESH");
      assertThat(f.events()).extracting(AuditEvent::type).doesNotContain(AuditEventType.CREDENTIALS_UNUSABLE);
    }
  }
}

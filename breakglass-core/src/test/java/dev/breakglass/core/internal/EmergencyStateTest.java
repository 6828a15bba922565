package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AuditEventType;
import dev.breakglass.EmergencyState;
import dev.breakglass.ReasonCode;
import org.junit.jupiter.api.Test;

class EmergencyStateTest extends EngineTestBase {
  @Test
  void emergencyOpensOnlyAfterFallConsecutiveFailures() {
    f.probe.healthy(false);
    f.engine.checkHealthNow();
    assertThat(f.engine.emergencyState().isEmergency()).isFalse();
    f.probe.healthy(true);
    f.engine.checkHealthNow();
    f.probe.healthy(false);
    f.engine.checkHealthNow();
    assertThat(f.engine.emergencyState().isEmergency()).as("a success in between resets the count").isFalse();
    f.engine.checkHealthNow();
    assertThat(f.engine.emergencyState().isEmergency()).isTrue();
    assertThat(f.engine.emergencyState().primaryHealthy()).isFalse();
    assertThat(f.count(AuditEventType.EMERGENCY_OPENED)).isEqualTo(1);
  }

  @Test
  void emergencyClosesOnlyAfterRiseConsecutiveSuccesses() {
    f.openEmergency();
    f.probe.healthy(true);
    f.engine.checkHealthNow();
    assertThat(f.engine.emergencyState().isEmergency()).isTrue();
    f.engine.checkHealthNow();
    assertThat(f.engine.emergencyState().isEmergency()).isFalse();
    assertThat(f.eventTypes()).containsSubsequence(AuditEventType.EMERGENCY_OPENED, AuditEventType.PROBE_RECOVERED,
        AuditEventType.EMERGENCY_CLOSED);
  }

  @Test
  void authorizedPersonDeclaresAndClosesAnIncident() {
    EmergencyState.Incident incident = f.engine.declareIncident("sre-lead", "MFA provider compromised");
    assertThat(f.engine.emergencyState().isEmergency()).isTrue();
    assertThat(f.engine.emergencyState().primaryHealthy()).isTrue();
    assertThat(f.engine.emergencyState().incident()).isEqualTo(incident);
    f.engine.closeIncident("sre-lead", "resolved");
    assertThat(f.engine.emergencyState().isEmergency()).isFalse();
    assertThat(f.eventTypes()).containsSubsequence(AuditEventType.INCIDENT_DECLARED, AuditEventType.EMERGENCY_OPENED,
        AuditEventType.INCIDENT_CLOSED, AuditEventType.EMERGENCY_CLOSED);
  }

  @Test
  void unauthorizedPersonCannotDeclareAnIncident() {
    assertThatThrownBy(() -> f.engine.declareIncident("alice", "I want in"))
        .satisfies(e -> assertThat(((AccessDeniedException) e).code()).isEqualTo(ReasonCode.NOT_AUTHORIZED));
    assertThat(f.engine.emergencyState().isEmergency()).isFalse();
    assertThat(f.count(AuditEventType.ACCESS_DENIED)).isEqualTo(1);
  }

  @Test
  void incidentDeclarationIsRefusedWhenItCannotBeAudited() {
    f.audit.failing(true);
    assertThatThrownBy(() -> f.engine.declareIncident("sre-lead", "outage"))
        .isInstanceOf(dev.breakglass.AuditUnavailableException.class);
    assertThat(f.engine.emergencyState().isEmergency()).isFalse();
  }

  @Test
  void closingTheIncidentKeepsTheEmergencyWhileThePrimaryIsUnhealthy() {
    f.engine.declareIncident("sre-lead", "outage");
    f.openEmergency();
    f.engine.closeIncident("sre-lead", "handled");
    assertThat(f.engine.emergencyState().isEmergency()).isTrue();
  }

  @Test
  void grantsCloseBeforeThePathReadsClosed() {
    f.activeDbGrant();
    java.util.List<Boolean> pathOpenWhileClosing = new java.util.concurrent.CopyOnWriteArrayList<>();
    f.audit.onAppend(e -> {
      if (e.type() == AuditEventType.GRANT_CLOSED) {
        pathOpenWhileClosing.add(f.engine.emergencyState().isEmergency());
      }
    });
    f.primaryRecovers();
    assertThat(pathOpenWhileClosing).as("no reader sees a closed emergency with a grant still active")
        .containsExactly(true);
    assertThat(f.engine.emergencyState().isEmergency()).isFalse();
    assertThat(f.engine.openGrants()).isEmpty();
  }
}

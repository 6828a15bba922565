package dev.breakglass.core.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a drill's records say happened, from records written by hand. */
class DrillSummaryTest {
  static final Instant T = Instant.parse("2026-03-01T12:00:00Z");
  final List<AuditEvent> events = new ArrayList<>();

  void at(int s, AuditEventType type, String actor, Map<String, String> details) {
    events.add(new AuditEvent(T.plusSeconds(s), type, actor, "bg-drill-1", "db-root", details));
  }

  @Test
  void aPassedDrillNamesWhoApprovedAndWhatWasProven() {
    at(0, AuditEventType.DRILL_STARTED, "alice", Map.of());
    at(1, AuditEventType.APPROVAL_ACCEPTED, "carol", Map.of());
    at(2, AuditEventType.APPROVAL_ACCEPTED, "dave", Map.of());
    at(3, AuditEventType.CREDENTIAL_RELEASED, "alice", Map.of());
    at(4, AuditEventType.CREDENTIAL_ROTATED, "engine", Map.of());
    at(5, AuditEventType.DRILL_COMPLETED, "alice", Map.of("proof", "login ok", "proofAfterRotation", "login ok 2",
        "step", "ignored"));
    DrillSummary s = DrillSummary.of(events);
    assertThat(s).isEqualTo(new DrillSummary("db-root", "passed", null, T, T.plusSeconds(5), "alice",
        List.of("carol", "dave"), true, "login ok", true, "login ok 2"));
  }

  @Test
  void aFailedDrillNamesTheStepItStoppedAt() {
    at(0, AuditEventType.DRILL_STARTED, "alice", Map.of());
    at(9, AuditEventType.DRILL_FAILED, "engine", Map.of("step", "release"));
    DrillSummary s = DrillSummary.of(events);
    assertThat(s.outcome()).isEqualTo("failed");
    assertThat(s.failedStep()).isEqualTo("release");
    assertThat(s.released()).isFalse();
    assertThat(s.rotated()).isFalse();
    assertThat(s.approvedBy()).isEmpty();
    assertThat(s.finishedAt()).isEqualTo(T.plusSeconds(9));
  }

  @Test
  void recordsThatAreNotAWholeDrillAreNamed() {
    assertThatThrownBy(() -> DrillSummary.of(List.of())).hasMessage("the drill has no records");
    at(0, AuditEventType.ACCESS_REQUESTED, "alice", Map.of());
    at(1, AuditEventType.DRILL_COMPLETED, "alice", Map.of());
    assertThatThrownBy(() -> DrillSummary.of(events))
        .hasMessage("the drill's first record is ACCESS_REQUESTED, not DRILL_STARTED");
    events.clear();
    at(0, AuditEventType.DRILL_STARTED, "alice", Map.of());
    at(1, AuditEventType.APPROVAL_ACCEPTED, "carol", Map.of());
    assertThatThrownBy(() -> DrillSummary.of(events)).hasMessage("the drill's last record is APPROVAL_ACCEPTED, not"
        + " DRILL_COMPLETED or DRILL_FAILED: it has not finished");
  }
}

package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEventType;
import dev.breakglass.AuditSink;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.BreakGlassException;
import dev.breakglass.GrantStatus;
import dev.breakglass.core.audit.Fingerprinter;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.Severity;
import dev.breakglass.tck.fixtures.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GrantStateMachineTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
  private final InMemoryGrantStore store = new InMemoryGrantStore();
  private final List<String> steps = new ArrayList<>();
  private final List<Alert> alerts = new ArrayList<>();
  private boolean auditFails;
  private final AuditSink sink = event -> {
    if (auditFails) {
      throw new AuditUnavailableException("disk full");
    }
    steps.add("audit " + event.type() + " (stored: " + store.find(event.grantId()).map(GrantRecord::status)
        .map(Object::toString).orElse("nothing") + ")");
  };
  private final Recorder recorder = new Recorder(sink, alert -> {
    alerts.add(alert);
    steps.add("alert " + alert.type() + " (stored: " + store.find(alert.grantId()).orElseThrow().status() + ")");
    return CompletableFuture.completedFuture(null);
  }, clock, new AuditDetails.Protection(new Fingerprinter(new byte[32]), Set.of()));
  private final GrantStateMachine machine = new GrantStateMachine(store, recorder,
      new GrantRules(EngineFixture.defaultPolicy(), clock));
  private final GrantRecord pending = new GrantRecord("g1", "alice", EngineFixture.DB, "outage", null,
      Duration.ofMinutes(20), "digest", clock.instant(), 0, List.of(), GrantStatus.PENDING_APPROVAL, null, null, null,
      false, 0);

  @Test
  void transitionAuditsThenComparesAndSetsThenAlerts() {
    machine.open(pending, "alice", recorder.details(), "requested");
    steps.clear();
    GrantRecord issued = pending.issued(clock.instant());
    machine.transition(pending, GrantTransition.ISSUE, issued, "carol", recorder.details(), "issued");
    assertThat(steps).containsExactly("audit GRANT_ISSUED (stored: PENDING_APPROVAL)", "alert GRANT_ISSUED (stored: ACTIVE)");
    assertThat(alerts).last().satisfies(a -> {
      assertThat(a.id()).isEqualTo("g1/GRANT_ISSUED");
      assertThat(a.severity()).isEqualTo(Severity.HIGH);
    });
  }

  @Test
  void requestIsAuditedBeforeItIsStoredAndAlertedAfter() {
    machine.open(pending, "alice", recorder.details(), "requested");
    assertThat(steps).containsExactly("audit ACCESS_REQUESTED (stored: nothing)",
        "alert ACCESS_REQUESTED (stored: PENDING_APPROVAL)");
  }

  @Test
  void unauditedTransitionChangesNothingAndAlertsNobody() {
    machine.open(pending, "alice", recorder.details(), "requested");
    alerts.clear();
    auditFails = true;
    assertThatThrownBy(() -> machine.transition(pending, GrantTransition.DENY,
        pending.ended(GrantStatus.DENIED, clock.instant()), "carol", recorder.details(), "denied"))
        .isInstanceOf(AuditUnavailableException.class);
    assertThat(store.find("g1").orElseThrow().status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
    assertThat(alerts).isEmpty();
  }

  @Test
  void lostCompareAndSetKeepsTheAuditRecordButRaisesNoAlert() {
    machine.open(pending, "alice", recorder.details(), "requested");
    GrantRecord issued = pending.issued(clock.instant());
    store.replace(pending, issued);
    steps.clear();
    alerts.clear();
    assertThatThrownBy(() -> machine.transition(pending, GrantTransition.DENY,
        pending.ended(GrantStatus.DENIED, clock.instant()), "carol", recorder.details(), "denied"))
        .isInstanceOf(BreakGlassException.class).hasMessageContaining("changed concurrently");
    assertThat(steps).containsExactly("audit REQUEST_DENIED (stored: ACTIVE)");
    assertThat(alerts).isEmpty();
    assertThat(store.find("g1").orElseThrow().status()).isEqualTo(GrantStatus.ACTIVE);
  }

  @Test
  void transitionMissingFromTheTableIsRefusedBeforeAnythingIsWritten() {
    machine.open(pending, "alice", recorder.details(), "requested");
    steps.clear();
    assertThatThrownBy(() -> machine.transition(pending, GrantTransition.EXPIRE,
        pending.ended(GrantStatus.EXPIRED, clock.instant()), "system", recorder.details(), "expired"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("EXPIRE from PENDING_APPROVAL");
    assertThatThrownBy(() -> machine.transition(pending, GrantTransition.DENY,
        pending.ended(GrantStatus.REVOKED, clock.instant()), "carol", recorder.details(), "denied"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(steps).isEmpty();
    assertThat(store.find("g1").orElseThrow()).isEqualTo(pending);
  }

  @Test
  void tableListsTheLegalChangesAndNoneLeavesAnEndedGrant() {
    assertThat(GrantTransition.ISSUE.from()).containsExactly(GrantStatus.PENDING_APPROVAL);
    assertThat(GrantTransition.ISSUE.to()).isEqualTo(GrantStatus.ACTIVE);
    assertThat(GrantTransition.RELEASE.from()).containsExactly(GrantStatus.ACTIVE);
    assertThat(GrantTransition.EXPIRE.event()).isEqualTo(AuditEventType.GRANT_EXPIRED);
    assertThat(GrantTransition.EXPIRE_REQUEST.to()).isEqualTo(GrantStatus.APPROVAL_EXPIRED);
    assertThat(GrantTransition.REVOKE.from()).containsExactlyInAnyOrder(GrantStatus.PENDING_APPROVAL, GrantStatus.ACTIVE);
    assertThat(GrantTransition.REQUEST.from()).isEmpty();
    for (GrantTransition t : GrantTransition.values()) {
      assertThat(t.from()).as("nothing leaves an ended grant: " + t).noneMatch(GrantStatus::isTerminal);
    }
    assertThat(GrantTransition.ending(GrantStatus.REVOKED)).isEqualTo(GrantTransition.REVOKE);
    assertThat(GrantTransition.ending(GrantStatus.CLOSED)).isEqualTo(GrantTransition.CLOSE);
    assertThatThrownBy(() -> GrantTransition.ending(GrantStatus.EXPIRED)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyTheIssueAlertHasAStableId() {
    assertThat(GrantTransition.ISSUE.alertId("g1")).isEqualTo("g1/GRANT_ISSUED");
    assertThat(GrantTransition.CLOSE.alertId("g1")).isNotEqualTo(GrantTransition.CLOSE.alertId("g1"));
    assertThat(GrantTransition.EXPIRE.severity()).isEqualTo(Recorder.severityOf(AuditEventType.GRANT_EXPIRED));
  }

  @Test
  void forEachOpenSeesEffectiveStatusesAndSurvivesAFailingGrant() {
    machine.open(pending, "alice", recorder.details(), "requested");
    GrantRecord other = new GrantRecord("g2", "bob", EngineFixture.APP, "outage", null, Duration.ofMinutes(20),
        "digest", clock.instant(), 0, List.of(), GrantStatus.PENDING_APPROVAL, null, null, null, false, 0);
    machine.open(other, "bob", recorder.details(), "requested");
    clock.advance(Duration.ofMinutes(15));
    List<String> seen = new ArrayList<>();
    machine.forEachOpen((rec, status) -> {
      seen.add(rec.id() + "=" + status);
      throw new BreakGlassException(dev.breakglass.ReasonCode.GRANT_NOT_ACTIVE, "boom");
    });
    assertThat(seen).containsExactlyInAnyOrder("g1=APPROVAL_EXPIRED", "g2=APPROVAL_EXPIRED");
  }
}

package dev.breakglass.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.report.ReviewModel.AnomalyKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The rules by which the review model counts, links and flags audit events, one small log per rule. */
class ReviewModelTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final String DB = "db-admin";

  /** An event {@code seconds} after {@link #T0}; {@code kv} is alternating detail keys and values. */
  static AuditEvent ev(long seconds, AuditEventType type, String actor, @Nullable String grant,
      @Nullable String account, String... kv) {
    Map<String, String> details = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      details.put(kv[i], kv[i + 1]);
    }
    return new AuditEvent(T0.plusSeconds(seconds), type, actor, grant, account, details);
  }

  static ReviewModel model(AuditEvent... events) {
    return new ReviewModel(Arrays.asList(events), null, Duration.ofMinutes(15));
  }

  static List<AnomalyKind> kinds(ReviewModel m) {
    return m.anomalies().stream().map(ReviewModel.Anomaly::kind).toList();
  }

  @Test
  void accountSummary_countsEachKindOfEventPerAccount() {
    ReviewModel m = model(
        ev(0, AuditEventType.ACCESS_REQUESTED, "alice", "g1", DB),
        ev(1, AuditEventType.ACCESS_REQUESTED, "bob", "g2", DB),
        ev(2, AuditEventType.GRANT_ISSUED, "carol", "g1", DB),
        ev(3, AuditEventType.EMERGENCY_LOGIN, "alice", "g1", DB),
        ev(4, AuditEventType.EMERGENCY_LOGIN, "alice", "g1", DB),
        ev(5, AuditEventType.EMERGENCY_LOGIN, "alice", "g1", DB),
        ev(600, AuditEventType.EMERGENCY_LOGIN_REFUSED, DB, "g1", DB),
        ev(1200, AuditEventType.EMERGENCY_LOGIN_REFUSED, DB, "g1", DB),
        ev(1300, AuditEventType.USE_OUTSIDE_EMERGENCY, DB, null, DB),
        ev(1400, AuditEventType.ROTATION_FAILED, AuditEvent.SYSTEM, "g1", DB),
        ev(1500, AuditEventType.CREDENTIAL_ROTATED, AuditEvent.SYSTEM, "g1", DB),
        ev(1600, AuditEventType.CREDENTIAL_ROTATED, AuditEvent.SYSTEM, null, DB),
        ev(1700, AuditEventType.ACCESS_REQUESTED, "alice", "g3", "app-admin"));

    assertThat(m.accounts()).extracting(a -> a.account).containsExactly("app-admin", DB);
    ReviewModel.AccountView db = m.accounts().get(1);
    assertThat(List.of(db.requests, db.grantsIssued, db.logins, db.refusedLogins, db.usesOutsideEmergency,
        db.rotations, db.rotationFailures)).containsExactly(2, 1, 3, 2, 1, 2, 1);
    assertThat(db.notRotated).isFalse();
    ReviewModel.AccountView app = m.accounts().get(0);
    assertThat(List.of(app.requests, app.grantsIssued, app.logins)).containsExactly(1, 0, 0);
  }

  @Test
  void grantView_collectsTheStoryFromRequestToRotation() {
    AuditEvent requested = ev(0, AuditEventType.ACCESS_REQUESTED, "alice", "g1", DB);
    AuditEvent issued = ev(60, AuditEventType.GRANT_ISSUED, "carol", "g1", DB);
    AuditEvent released = ev(70, AuditEventType.CREDENTIAL_RELEASED, "alice", "g1", DB, "source", "vault");
    AuditEvent ended = ev(900, AuditEventType.GRANT_REVOKED, "carol", "g1", DB);
    AuditEvent rotated = ev(960, AuditEventType.CREDENTIAL_ROTATED, AuditEvent.SYSTEM, "g1", DB);
    ReviewModel m = model(requested,
        ev(30, AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", DB, "keyId", "carol-key"),
        issued, released,
        ev(80, AuditEventType.EMERGENCY_LOGIN, "alice", "g1", DB, "client", "fp:1"),
        ev(90, AuditEventType.EMERGENCY_LOGIN_REFUSED, DB, "g1", DB),
        ended, rotated);

    assertThat(m.grants()).hasSize(1);
    ReviewModel.GrantView g = m.grants().get(0);
    assertThat(g.id).isEqualTo("g1");
    assertThat(g.account).isEqualTo(DB);
    assertThat(g.requested).isSameAs(requested);
    assertThat(g.approvals).containsExactly(new ReviewModel.ApprovalView("carol", T0.plusSeconds(30), "carol-key"));
    assertThat(g.issued).isSameAs(issued);
    assertThat(g.released).isSameAs(released);
    assertThat(g.logins).containsExactly(new ReviewModel.LoginView(T0.plusSeconds(80), "alice", "fp:1", false),
        new ReviewModel.LoginView(T0.plusSeconds(90), DB, null, true));
    assertThat(g.ended).isSameAs(ended);
    assertThat(g.rotated).isSameAs(rotated);
    assertThat(m.grantsNotEnded()).isEmpty();
  }

  @Test
  void eventsWithoutAccountOrGrant_areToldInTheTimelineButCountedNowhere() {
    List<AuditEvent> events = new ArrayList<>();
    AuditEventType[] types = {AuditEventType.ACCESS_REQUESTED, AuditEventType.APPROVAL_ACCEPTED,
        AuditEventType.GRANT_ISSUED, AuditEventType.CREDENTIAL_RELEASED, AuditEventType.EMERGENCY_LOGIN,
        AuditEventType.EMERGENCY_LOGIN_REFUSED, AuditEventType.USE_OUTSIDE_EMERGENCY, AuditEventType.GRANT_EXPIRED,
        AuditEventType.CREDENTIAL_ROTATED, AuditEventType.ROTATION_FAILED};
    for (int i = 0; i < types.length; i++) {
      events.add(ev(i, types[i], "someone", null, null));
    }
    ReviewModel m = new ReviewModel(events, null, Duration.ofMinutes(15));

    assertThat(m.timeline()).hasSize(types.length);
    assertThat(m.accounts()).isEmpty();
    assertThat(m.grants()).isEmpty();
    assertThat(kinds(m)).containsExactly(AnomalyKind.USE_OUTSIDE_EMERGENCY, AnomalyKind.ROTATION_FAILED);
  }

  @Test
  void lateRotation_isFlaggedOnlyPastFifteenMinutesAfterTheGrantEnded() {
    ReviewModel onTime = model(
        ev(0, AuditEventType.GRANT_ISSUED, "carol", "g1", DB),
        ev(100, AuditEventType.GRANT_EXPIRED, AuditEvent.SYSTEM, "g1", DB),
        ev(100 + 15 * 60, AuditEventType.CREDENTIAL_ROTATED, AuditEvent.SYSTEM, "g1", DB));
    ReviewModel late = model(
        ev(0, AuditEventType.GRANT_ISSUED, "carol", "g1", DB),
        ev(100, AuditEventType.GRANT_EXPIRED, AuditEvent.SYSTEM, "g1", DB),
        ev(100 + 15 * 60 + 1, AuditEventType.CREDENTIAL_ROTATED, AuditEvent.SYSTEM, "g1", DB));

    assertThat(onTime.anomalies()).isEmpty();
    assertThat(late.anomalies()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AnomalyKind.LATE_ROTATION);
      assertThat(a.description()).isEqualTo("the credential of db-admin was rotated 15 min after grant g1 ended");
    });
  }

  @Test
  void anEphemeralCredential_needsNoRotationAfterItsGrant() {
    ReviewModel m = model(
        ev(0, AuditEventType.GRANT_ISSUED, "carol", "g1", DB),
        ev(10, AuditEventType.CREDENTIAL_RELEASED, "alice", "g1", DB, "source", "ephemeral"),
        ev(100, AuditEventType.GRANT_CLOSED, "alice", "g1", DB));

    assertThat(m.anomalies()).isEmpty();
    assertThat(m.accountsNotRotated()).isEmpty();
  }

  @Test
  void notRotated_isSortedIntoTheAnomaliesByWhenTheGrantEnded() {
    ReviewModel m = model(
        ev(0, AuditEventType.GRANT_ISSUED, "carol", "g1", DB),
        ev(10, AuditEventType.CREDENTIAL_RELEASED, "alice", "g1", DB, "source", "vault"),
        ev(100, AuditEventType.GRANT_CLOSED, "alice", "g1", DB),
        ev(200, AuditEventType.ROTATION_FAILED, AuditEvent.SYSTEM, null, "app-admin", "error", "timeout"));

    assertThat(kinds(m)).containsExactly(AnomalyKind.NOT_ROTATED, AnomalyKind.ROTATION_FAILED);
    assertThat(m.anomalies().get(0).description())
        .isEqualTo("the credential of db-admin was not rotated after grant g1 ended");
    assertThat(m.accountsNotRotated()).containsExactly(DB);
    assertThat(m.accounts()).extracting(a -> a.notRotated).containsExactly(false, true);
  }

  @Test
  void loginStorm_needsFiveRefusalsWithinAMinute() {
    List<AuditEvent> spread = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      spread.add(ev(i * 10L, AuditEventType.EMERGENCY_LOGIN_REFUSED, DB, null, DB));
    }
    List<AuditEvent> slow = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      slow.add(ev(i * 61L, AuditEventType.EMERGENCY_LOGIN_REFUSED, DB, null, DB));
    }

    assertThat(new ReviewModel(spread, null, Duration.ofMinutes(15)).anomalies()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AnomalyKind.LOGIN_STORM);
      assertThat(a.time()).isEqualTo(T0.plusSeconds(40));
      assertThat(a.description()).isEqualTo("5 refused logins to db-admin within 60 s");
    });
    assertThat(new ReviewModel(slow, null, Duration.ofMinutes(15)).anomalies()).isEmpty();
  }

  @Test
  void loginStorm_isReportedOncePerMinute_andAgainForALaterBurst() {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      events.add(ev(i, AuditEventType.EMERGENCY_LOGIN_REFUSED, DB, null, DB));
    }
    for (int i = 0; i < 5; i++) {
      events.add(ev(300 + i, AuditEventType.EMERGENCY_LOGIN_REFUSED, DB, null, DB));
    }
    ReviewModel m = new ReviewModel(events, null, Duration.ofMinutes(15));

    assertThat(m.anomalies()).extracting(ReviewModel.Anomaly::time).containsExactly(T0.plusSeconds(4),
        T0.plusSeconds(304));
    assertThat(m.timeline().get(4).anomalies()).containsExactly(AnomalyKind.LOGIN_STORM);
    assertThat(m.timeline().get(5).anomalies()).isEmpty();
  }

  @Test
  void rateLimitedRequests_areAStorm_otherDenialsAreNot() {
    ReviewModel m = model(
        ev(0, AuditEventType.ACCESS_DENIED, "mallory", null, DB, "reason", "RATE_LIMITED"),
        ev(1, AuditEventType.ACCESS_DENIED, "mallory", null, DB, "reason", "NOT_ALLOWED"));

    assertThat(m.anomalies()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AnomalyKind.LOGIN_STORM);
      assertThat(a.description()).isEqualTo("mallory was rate limited (throttled requests)");
    });
  }

  @Test
  void unusableCredentials_areFlagged() {
    ReviewModel m = model(ev(0, AuditEventType.CREDENTIALS_UNUSABLE, AuditEvent.SYSTEM, null, DB));

    assertThat(kinds(m)).containsExactly(AnomalyKind.CREDENTIALS_UNUSABLE);
    assertThat(m.timeline().get(0).anomalies()).containsExactly(AnomalyKind.CREDENTIALS_UNUSABLE);
  }

  @Test
  void anomalyDescriptions_addDetailsOnlyWhenLogged() {
    ReviewModel m = model(
        ev(0, AuditEventType.USE_OUTSIDE_EMERGENCY, DB, null, DB, "operation", "login"),
        ev(1, AuditEventType.USE_OUTSIDE_EMERGENCY, DB, null, DB),
        ev(2, AuditEventType.USE_OUTSIDE_EMERGENCY, DB, null, DB, "operation", ""),
        ev(3, AuditEventType.ROTATION_FAILED, AuditEvent.SYSTEM, null, DB, "error", "timeout"),
        ev(4, AuditEventType.ROTATION_FAILED, AuditEvent.SYSTEM, null, DB),
        ev(5, AuditEventType.ALERT_FAILED, AuditEvent.SYSTEM, null, DB));

    assertThat(m.anomalies()).extracting(ReviewModel.Anomaly::description).containsExactly(
        "break-glass account db-admin used outside an emergency (login)",
        "break-glass account db-admin used outside an emergency",
        "break-glass account db-admin used outside an emergency",
        "rotation of db-admin failed: timeout",
        "rotation of db-admin failed",
        "alert ? was not delivered on ?");
  }

  @Test
  void alerts_keepTheLastOutcomePerAlertAndChannel() {
    ReviewModel m = model(
        ev(0, AuditEventType.ALERT_FAILED, AuditEvent.SYSTEM, null, DB,
            "alert", "a1", "alertType", "GRANT_ISSUED", "channel", "email", "attempts", "3", "reason", "550"),
        ev(1, AuditEventType.ALERT_DELIVERED, AuditEvent.SYSTEM, null, DB,
            "alert", "a1", "alertType", "GRANT_ISSUED", "channel", "email", "attempts", "4"),
        ev(2, AuditEventType.ALERT_DELIVERED, AuditEvent.SYSTEM, null, DB,
            "alert", "a1", "alertType", "GRANT_ISSUED", "channel", "pager", "attempts", "many"));

    assertThat(m.alerts()).containsExactly(
        new ReviewModel.AlertView("a1", "GRANT_ISSUED", "email", true, 4, T0.plusSeconds(1), null, DB),
        new ReviewModel.AlertView("a1", "GRANT_ISSUED", "pager", true, 0, T0.plusSeconds(2), null, DB));
    assertThat(m.timeline()).isEmpty();
  }

  @Test
  void grantsNotEnded_areThoseIssuedAndStillRunning() {
    ReviewModel m = model(
        ev(0, AuditEventType.GRANT_ISSUED, "carol", "running", DB),
        ev(1, AuditEventType.GRANT_ISSUED, "carol", "ended", DB),
        ev(2, AuditEventType.GRANT_EXPIRED, AuditEvent.SYSTEM, "ended", DB),
        ev(3, AuditEventType.ACCESS_REQUESTED, "alice", "requested-only", DB));

    assertThat(m.grantsNotEnded()).containsExactly("running");
  }

  @Test
  void seconds_cutsEveryInstantInTextToTheSecond() {
    assertThat(ReviewModel.seconds("from 2026-03-01T10:00:00.123456Z to 2026-03-01T11:00:00.5Z"))
        .isEqualTo("from 2026-03-01T10:00:00Z to 2026-03-01T11:00:00Z");
    assertThat(ReviewModel.seconds(".5 s after 2026-03-01T10:00:00.5Z")).isEqualTo(".5 s after 2026-03-01T10:00:00Z");
    assertThat(ReviewModel.seconds("version 1.2")).isEqualTo("version 1.2");
    assertThat(ReviewModel.seconds("no fraction")).isEqualTo("no fraction");
    assertThat(ReviewModel.time(Instant.parse("2026-03-01T10:00:59.999Z"))).isEqualTo("2026-03-01T10:00:59Z");
  }

  @Test
  void phases_placeEveryEventTypeInTheStory() {
    assertThat(ReviewModel.phase(AuditEventType.PROBE_FAILED)).isEqualTo(ReviewModel.Phase.OUTAGE);
    assertThat(ReviewModel.phase(AuditEventType.ACCESS_DENIED)).isEqualTo(ReviewModel.Phase.REQUEST);
    assertThat(ReviewModel.phase(AuditEventType.APPROVAL_EXPIRED)).isEqualTo(ReviewModel.Phase.APPROVAL);
    assertThat(ReviewModel.phase(AuditEventType.CREDENTIAL_RELEASE_REFUSED)).isEqualTo(ReviewModel.Phase.RELEASE);
    assertThat(ReviewModel.phase(AuditEventType.USE_OUTSIDE_EMERGENCY)).isEqualTo(ReviewModel.Phase.LOGIN);
    assertThat(ReviewModel.phase(AuditEventType.GRANT_CLOSED)).isEqualTo(ReviewModel.Phase.END);
    assertThat(ReviewModel.phase(AuditEventType.ROTATION_STARTED)).isEqualTo(ReviewModel.Phase.ROTATION);
    assertThat(ReviewModel.phase(AuditEventType.PROBE_RECOVERED)).isEqualTo(ReviewModel.Phase.RECOVERY);
    assertThat(ReviewModel.phase(AuditEventType.ALERT_FAILED)).isEqualTo(ReviewModel.Phase.ALERT);
    assertThat(ReviewModel.phase(AuditEventType.DRILL_STARTED)).isEqualTo(ReviewModel.Phase.OTHER);
  }
}

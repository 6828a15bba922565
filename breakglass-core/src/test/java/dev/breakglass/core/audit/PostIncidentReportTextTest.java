package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plain-text review and the open items, from a log written by hand. */
class PostIncidentReportTextTest {
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  final List<AuditEvent> events = new ArrayList<>();

  void at(int seconds, AuditEventType type, String actor, String grant, String account, String... details) {
    Map<String, String> d = new LinkedHashMap<>();
    for (int i = 0; i < details.length; i += 2) {
      d.put(details[i], details[i + 1]);
    }
    events.add(new AuditEvent(T0.plusSeconds(seconds), type, actor, grant, account, d));
  }

  /** A whole incident: a grant used and rotated, a drill, a denied request, one left open, refusals. */
  void incident() {
    at(0, AuditEventType.EMERGENCY_OPENED, "health-monitor", null, null, "cause", "idp down");
    at(5, AuditEventType.INCIDENT_DECLARED, "sre-lead", null, null, "reason", "outage", "incident", "INC-7");
    at(10, AuditEventType.ACCESS_REQUESTED, "alice", "g1", "db-root", "reason", "fix replication", "ticket",
        "INC-7", "duration", "PT30M", "emergency", "true", "drill", "false");
    at(20, AuditEventType.APPROVAL_ACCEPTED, "carol", "g1", "db-root");
    at(25, AuditEventType.APPROVAL_ACCEPTED, "dave", "g1", "db-root");
    at(25, AuditEventType.GRANT_ISSUED, "engine", "g1", "db-root", "expiresAt", "2026-03-01T12:30:25Z");
    at(30, AuditEventType.CREDENTIAL_RELEASED, "alice", "g1", "db-root");
    at(40, AuditEventType.EMERGENCY_LOGIN, "alice", "g1", "db-root");
    at(50, AuditEventType.EMERGENCY_LOGIN, "alice", "g1", "db-root");
    at(100, AuditEventType.GRANT_CLOSED, "alice", "g1", "db-root", "reason", "fixed");
    at(110, AuditEventType.CREDENTIAL_ROTATED, "engine", "g1", "db-root");
    at(120, AuditEventType.ACCESS_REQUESTED, "bob", "g2", "app-admin", "drill", "true", "reason", "quarterly drill");
    at(121, AuditEventType.GRANT_ISSUED, "engine", "g2", "app-admin");
    at(181, AuditEventType.GRANT_EXPIRED, "engine", "g2", "app-admin");
    at(130, AuditEventType.ACCESS_REQUESTED, "mallory", "g3", "db-root", "reason", "curious");
    at(131, AuditEventType.REQUEST_DENIED, "carol", "g3", "db-root", "reason", "no ticket");
    at(140, AuditEventType.ACCESS_DENIED, "eve", null, "db-root", "reason", "NOT_ELIGIBLE");
    at(141, AuditEventType.APPROVAL_REFUSED, "alice", "g3", null, "reason", "SELF_APPROVAL");
    at(150, AuditEventType.USE_OUTSIDE_EMERGENCY, "db-root", null, "db-root", "operation", "login", "client",
        "10.0.0.9");
    at(160, AuditEventType.ROTATION_FAILED, "engine", null, "app-admin", "error", "connection refused");
    at(170, AuditEventType.GRANT_REVOKED, "carol", "g9", "db-root", "reason", "unknown grant");
    at(200, AuditEventType.ACCESS_REQUESTED, "frank", "g4", "db-root", "reason", "second outage");
    at(201, AuditEventType.GRANT_ISSUED, "engine", "g4", "db-root");
    at(300, AuditEventType.EMERGENCY_CLOSED, "health-monitor", null, null);
  }

  @Test
  void theTextTellsEverySectionInOrder() {
    incident();
    PostIncidentReport report = PostIncidentReport.of(events);
    assertThat(report.toText()).isEqualTo("""
        POST-INCIDENT REVIEW
        Period: 2026-03-01T12:00:00Z to 2026-03-01T12:05:00Z (24 audit records)
        Not verified against a signed checkpoint

        Emergency state
          2026-03-01T12:00:00Z  EMERGENCY_OPENED by health-monitor (cause=idp down)
          2026-03-01T12:00:05Z  INCIDENT_DECLARED by sre-lead (reason=outage, incident=INC-7)
          2026-03-01T12:05:00Z  EMERGENCY_CLOSED by health-monitor

        Grants (5 requests, 3 issued, 1 of them a drill)
          g1: alice -> db-root
            requested 2026-03-01T12:00:10Z (reason=fix replication, ticket=INC-7, duration=PT30M, emergency=true)
            approved  2026-03-01T12:00:20Z by carol
            approved  2026-03-01T12:00:25Z by dave
            issued    2026-03-01T12:00:25Z (expiresAt=2026-03-01T12:30:25Z)
            released  2026-03-01T12:00:30Z to alice
            used      2 times, first 2026-03-01T12:00:40Z
            ended     2026-03-01T12:01:40Z GRANT_CLOSED by alice (reason=fixed), held 75 s
            rotated   2026-03-01T12:01:50Z
          g2: bob -> app-admin (DRILL, never real access)
            requested 2026-03-01T12:02:00Z (reason=quarterly drill)
            issued    2026-03-01T12:02:01Z
            ended     2026-03-01T12:03:01Z GRANT_EXPIRED by engine, held 60 s
          g3: mallory -> db-root
            requested 2026-03-01T12:02:10Z (reason=curious)
            ended     2026-03-01T12:02:11Z REQUEST_DENIED by carol (reason=no ticket)
          g9
            ended     2026-03-01T12:02:50Z GRANT_REVOKED by carol (reason=unknown grant)
          g4: frank -> db-root
            requested 2026-03-01T12:03:20Z (reason=second outage)
            issued    2026-03-01T12:03:21Z

        Use outside an emergency (1)
          2026-03-01T12:02:30Z  db-root (operation=login, client=10.0.0.9)

        Refusals (2)
          2026-03-01T12:02:20Z  ACCESS_DENIED eve on db-root (reason=NOT_ELIGIBLE)
          2026-03-01T12:02:21Z  APPROVAL_REFUSED alice (reason=SELF_APPROVAL)

        Rotation failures (1)
          2026-03-01T12:02:40Z  app-admin (error=connection refused)

        Open items
          grants not ended: g4
          accounts not rotated since their last grant: app-admin
        """);
    assertThat(report.grantsIssued()).isEqualTo(3);
    assertThat(report.grantsStillOpen()).containsExactly("g4");
    assertThat(report.accountsNotRotated()).containsExactly("app-admin");
    assertThat(report.usesOutsideEmergency()).singleElement()
        .extracting(AuditEvent::type).isEqualTo(AuditEventType.USE_OUTSIDE_EMERGENCY);
    assertThat(report.checkpoint()).isNull();
  }

  @Test
  void aRotationAfterTheGrantEndedClearsTheAccountAndARotationBeforeItDoesNot() {
    at(0, AuditEventType.CREDENTIAL_ROTATED, "engine", null, "db-root");
    at(1, AuditEventType.GRANT_ISSUED, "engine", "g1", "db-root");
    at(2, AuditEventType.GRANT_REVOKED, "carol", "g1", "db-root");
    assertThat(PostIncidentReport.of(events).accountsNotRotated()).containsExactly("db-root");
    at(3, AuditEventType.CREDENTIAL_ROTATED, "engine", null, "db-root");
    assertThat(PostIncidentReport.of(events).accountsNotRotated()).isEmpty();
    // A grant that ends without having been issued, or without an account, taints nothing.
    at(4, AuditEventType.ACCESS_REQUESTED, "bob", "g2", "app-admin");
    at(5, AuditEventType.GRANT_EXPIRED, "engine", "g2", "app-admin");
    at(6, AuditEventType.GRANT_ISSUED, "engine", "g3", null);
    at(7, AuditEventType.GRANT_CLOSED, "engine", "g3", null);
    at(8, AuditEventType.GRANT_CLOSED, "engine", null, "db-root");
    PostIncidentReport report = PostIncidentReport.of(events);
    assertThat(report.accountsNotRotated()).isEmpty();
    assertThat(report.grantsStillOpen()).isEmpty();
    assertThat(report.grantsIssued()).isEqualTo(2);
  }

  @Test
  void aSmallLogIsToldInTheSingular() {
    assertThat(PostIncidentReport.of(List.of()).toText()).isEqualTo("POST-INCIDENT REVIEW\nThe audit log is empty.\n");
    at(0, AuditEventType.ACCESS_REQUESTED, "bob", "g1", "app-admin", "drill", "true");
    at(0, AuditEventType.ACCESS_REQUESTED, "bob", "g2", "app-admin", "drill", "true", "reason", "");
    String two = PostIncidentReport.of(events).toText();
    assertThat(two).contains("(2 audit records)", "Grants (2 requests, 0 issued, 2 of them drills)",
        "  no emergency recorded\n", "grants not ended: none", "accounts not rotated since their last grant: none")
        .doesNotContain("reason=");
    events.remove(1);
    String one = PostIncidentReport.of(events).toText();
    assertThat(one).contains("Period: 2026-03-01T12:00:00Z to 2026-03-01T12:00:00Z (1 audit record)\n",
        "Grants (1 request, 0 issued, 1 of them a drill)", "Refusals (0)", "Rotation failures (0)",
        "Use outside an emergency (0)");
    events.clear();
    at(0, AuditEventType.ACCESS_REQUESTED, "bob", "g1", "app-admin");
    assertThat(PostIncidentReport.of(events).toText()).contains("Grants (1 request, 0 issued)\n");
  }

  @Test
  void aVerifiedReportNamesItsCheckpoint() {
    incident();
    AuditSigningKey key = AuditSigningKey.generate();
    byte[] root = new byte[32];
    root[0] = 1;
    Checkpoint c = Checkpoint.sign("0123456789abcdef0123456789abcdef", 20, 24, root,
        Instant.parse("2026-03-01T12:06:00Z"), key);
    PostIncidentReport report = PostIncidentReport.of(events).verifiedAgainst(c);
    assertThat(report.checkpoint()).isSameAs(c);
    assertThat(report.toText()).contains("Verified against the signed checkpoint of 24 records, root "
        + "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,",
        "signed 2026-03-01T12:06:00Z by key " + key.keyId() + "\n\n");
    assertThat(report.approvalTimeout(Duration.ofMinutes(5)).checkpoint()).isSameAs(c);
  }

  @Test
  void theApprovalTimeoutMustBePositive() {
    PostIncidentReport report = PostIncidentReport.of(events);
    assertThatThrownBy(() -> report.approvalTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("approval timeout must be positive, was PT0S");
    assertThatThrownBy(() -> report.approvalTimeout(Duration.ofSeconds(-1)))
        .hasMessage("approval timeout must be positive, was PT-1S");
    assertThat(report.approvalTimeout(Duration.ofNanos(1))).isNotNull();
  }

  @Test
  void loggedTextCannotStartALineOrHideCharacters() {
    at(0, AuditEventType.ACCESS_REQUESTED, "alice\nEmergency state", "g1", "db\u202Eroot", "reason",
        "a\rb\u0007");
    String text = PostIncidentReport.of(events).toText();
    assertThat(text).doesNotContain("alice\n", "\u202E", "\r", "\u0007")
        .contains("g1: alice\\u000AEmergency state -> db\\u202Eroot", "reason=a\\u000Db\\u0007");
  }

  @Test
  void everyRenderingTellsTheSameIncident() {
    incident();
    PostIncidentReport report = PostIncidentReport.of(events);
    assertThat(report.toJson()).contains("\"version\" : " + PostIncidentReport.JSON_VERSION, "\"g4\"", "app-admin");
    assertThat(report.toMarkdown()).startsWith("# Post-incident review").contains("| Time | Phase |", "db-root");
    assertThat(report.toHtml()).startsWith("<!DOCTYPE html>").contains("g1", "app-admin");
    assertThat(PostIncidentReport.jsonSchema()).contains("\"$schema\"", "2020-12");
  }
}

package dev.breakglass.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.Checkpoint;
import dev.breakglass.core.audit.PostIncidentReport;
import dev.breakglass.core.audit.TamperEvidentAuditLog;
import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditLogReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The review's renderings: one story, every anomaly flagged, hostile text inert in each format. */
class ReviewReportsTest {
  static final Instant T0 = Instant.parse("2026-11-28T09:00:00.123456789Z");
  static final String DB = "prod-db-admin";
  static final String HOSTILE = "<script>document.title='pwned'</script>\r\nINJECTED\u202Egnp.exe [x](http://evil) | ` *";

  /** An incident with every step and every anomaly the review must show. */
  static List<AuditEvent> incident() {
    String g = "bg-1";
    List<AuditEvent> events = new ArrayList<>(List.of(
        new AuditEvent(T0.minusSeconds(600), AuditEventType.USE_OUTSIDE_EMERGENCY, DB, null, DB,
            Map.of("operation", "login", "client", "fp:aa11")),
        new AuditEvent(T0, AuditEventType.EMERGENCY_OPENED, AuditEvent.SYSTEM, null, null, Map.of("cause", "idp down")),
        new AuditEvent(T0.plusSeconds(60), AuditEventType.ACCESS_REQUESTED, "alice", g, DB,
            Map.of("reason", HOSTILE, "ticket", "INC-4711\u2066", "duration", "PT20M", "client", "fp:bb22")),
        new AuditEvent(T0.plusSeconds(90), AuditEventType.APPROVAL_ACCEPTED, "carol", g, DB,
            Map.of("approvals", "1 of 2", "signer", "carol-yubikey-5c")),
        new AuditEvent(T0.plusSeconds(60 + 14 * 60), AuditEventType.APPROVAL_ACCEPTED, "dave", g, DB,
            Map.of("approvals", "2 of 2")),
        new AuditEvent(T0.plusSeconds(60 + 14 * 60), AuditEventType.GRANT_ISSUED, "dave", g, DB,
            Map.of("requester", "alice", "expiresAt", "2026-11-28T09:35:00Z", "approvedBy", "carol,dave")),
        new AuditEvent(T0.plusSeconds(1000), AuditEventType.CREDENTIAL_RELEASED, "alice", g, DB, Map.of("source", "vault")),
        new AuditEvent(T0.plusSeconds(1010), AuditEventType.EMERGENCY_LOGIN, "alice", g, DB, Map.of("client", "fp:cc33"))));
    for (int i = 0; i < 6; i++) {
      events.add(new AuditEvent(T0.plusSeconds(1020 + i), AuditEventType.EMERGENCY_LOGIN_REFUSED, DB, g, DB,
          Map.of("reason", "INVALID_CREDENTIALS", "client", "fp:dd44")));
    }
    events.addAll(List.of(
        new AuditEvent(T0.plusSeconds(1100), AuditEventType.ALERT_DELIVERED, AuditEvent.SYSTEM, g, DB,
            Map.of("alert", "a-1", "alertType", "GRANT_ISSUED", "channel", "webhook", "attempts", "1")),
        new AuditEvent(T0.plusSeconds(1101), AuditEventType.ALERT_FAILED, AuditEvent.SYSTEM, g, DB,
            Map.of("alert", "a-2", "alertType", "EMERGENCY_LOGIN", "channel", "email", "attempts", "5",
                "reason", "550 <b>mailbox</b> full")),
        new AuditEvent(T0.plusSeconds(1895), AuditEventType.GRANT_EXPIRED, AuditEvent.SYSTEM, g, DB, Map.of()),
        new AuditEvent(T0.plusSeconds(1900), AuditEventType.ROTATION_FAILED, AuditEvent.SYSTEM, g, DB,
            Map.of("error", "target unreachable")),
        new AuditEvent(T0.plusSeconds(1895 + 3600), AuditEventType.CREDENTIAL_ROTATED, AuditEvent.SYSTEM, g, DB, Map.of()),
        new AuditEvent(T0.plusSeconds(5600), AuditEventType.AUDIT_LOG_REPAIRED, AuditEvent.SYSTEM, null, null,
            Map.of("truncatedBytes", "17")),
        new AuditEvent(T0.plusSeconds(5700), AuditEventType.EMERGENCY_CLOSED, AuditEvent.SYSTEM, null, null, Map.of())));
    return events;
  }

  static Checkpoint checkpoint(@TempDir Path dir) {
    Path log = dir.resolve("audit");
    AuditSigningKey key = AuditSigningKey.generate();
    try (TamperEvidentAuditLog l = TamperEvidentAuditLog.builder(log).signingKey(key).backgroundCheckpoints(false)
        .build()) {
      incident().forEach(l::append);
    }
    AuditLogVerifier.VerificationResult r = AuditLogVerifier.of(key.publicKey()).verify(log);
    assertThat(r.valid()).isTrue();
    assertThat(AuditLogReader.readEvents(log)).hasSize(incident().size());
    return r.lastCheckpoint();
  }

  private final ReviewModel model = new ReviewModel(incident(), null, Duration.ofMinutes(15));

  @Test
  void everyAnomalyIsFlagged() {
    assertThat(model.anomalies()).extracting(ReviewModel.Anomaly::kind).containsExactly(
        ReviewModel.AnomalyKind.USE_OUTSIDE_EMERGENCY,
        ReviewModel.AnomalyKind.APPROVAL_NEAR_TIMEOUT,
        ReviewModel.AnomalyKind.LOGIN_STORM,
        ReviewModel.AnomalyKind.ALERT_NOT_DELIVERED,
        ReviewModel.AnomalyKind.ROTATION_FAILED,
        ReviewModel.AnomalyKind.LATE_ROTATION,
        ReviewModel.AnomalyKind.LOG_REPAIRED);
  }

  @Test
  void aCleanIncidentHasNoAnomalies() {
    List<AuditEvent> clean = incident().stream().filter(e -> switch (e.type()) {
      case USE_OUTSIDE_EMERGENCY, EMERGENCY_LOGIN_REFUSED, ALERT_FAILED, ROTATION_FAILED, AUDIT_LOG_REPAIRED -> false;
      default -> true;
    }).map(e -> e.type() == AuditEventType.CREDENTIAL_ROTATED || e.actor().equals("dave")
        ? new AuditEvent(e.time().minusSeconds(e.type() == AuditEventType.CREDENTIAL_ROTATED ? 3590 : 600),
            e.type(), e.actor(), e.grantId(), e.account(), e.details()) : e).toList();
    ReviewModel m = new ReviewModel(clean, null, Duration.ofMinutes(15));
    assertThat(m.anomalies()).isEmpty();
    assertThat(m.accountsNotRotated()).isEmpty();
  }

  @Test
  void anAccountNeverRotatedAfterItsGrantIsAnOpenItem() {
    List<AuditEvent> events = incident().stream().filter(e -> e.type() != AuditEventType.CREDENTIAL_ROTATED).toList();
    ReviewModel m = new ReviewModel(events, null, Duration.ofMinutes(15));
    assertThat(m.accountsNotRotated()).containsExactly(DB);
    assertThat(m.anomalies()).extracting(ReviewModel.Anomaly::kind).contains(ReviewModel.AnomalyKind.NOT_ROTATED);
  }

  @Test
  void theTimelineRunsFromOutageToRecoveryWithoutAlertDeliveries() {
    assertThat(model.timeline()).extracting(ReviewModel.Entry::phase).containsSubsequence(
        ReviewModel.Phase.OUTAGE, ReviewModel.Phase.REQUEST, ReviewModel.Phase.APPROVAL, ReviewModel.Phase.RELEASE,
        ReviewModel.Phase.LOGIN, ReviewModel.Phase.END, ReviewModel.Phase.ROTATION, ReviewModel.Phase.RECOVERY)
        .doesNotContain(ReviewModel.Phase.ALERT);
    assertThat(model.alerts()).hasSize(2);
  }

  @Test
  void approvalsNameTheirSigner() {
    assertThat(model.grants().get(0).approvals).extracting(ReviewModel.ApprovalView::signer)
        .containsExactly("carol-yubikey-5c", null);
    assertThat(HtmlReport.render(model)).contains("signed with carol-yubikey-5c", "no signature recorded");
  }

  @Test
  void inertTextShowsEveryHiddenCharacter() {
    assertThat(InertText.of("a\r\nb\u202Ec\u2066d\u200Be\u0000f\u001B[31m\u2028"))
        .isEqualTo("a\\u000D\\u000Ab\\u202Ec\\u2066d\\u200Be\\u0000f\\u001B[31m\\u2028");
    assertThat(InertText.of("plain text: ünïcödé 日本")).isEqualTo("plain text: ünïcödé 日本");
  }

  @Nested
  class Html {
    private final String html = HtmlReport.render(model);

    @Test
    void hostileTextIsEscapedAndInert() {
      assertThat(html).doesNotContain("<script>").doesNotContain("\u202E").doesNotContain("\u2066")
          .doesNotContain("\r").doesNotContain("<b>mailbox")
          .contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;\\u000D\\u000AINJECTED\\u202Egnp.exe")
          .contains("550 &lt;b&gt;mailbox&lt;/b&gt; full");
    }

    @Test
    void selfContainedWithoutScriptOrExternalAssets() {
      assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>", "Content-Security-Policy",
          "default-src 'none'");
      assertThat(Pattern.compile("<script|src=|href=|@import|url\\(", Pattern.CASE_INSENSITIVE).matcher(html).find())
          .isFalse();
    }

    @Test
    void showsTimelineAccountsAlertsAndAnomalies() {
      assertThat(html).containsSubsequence("id=\"anomalies\"", "id=\"timeline\"", "id=\"accounts\"", "id=\"alerts\"",
          "id=\"open-items\"");
      assertThat(html).containsSubsequence("EMERGENCY_OPENED", "ACCESS_REQUESTED", "APPROVAL_ACCEPTED", "GRANT_ISSUED",
          "CREDENTIAL_RELEASED", "EMERGENCY_LOGIN", "signed in as prod-db-admin from client fp:cc33", "GRANT_EXPIRED",
          "CREDENTIAL_ROTATED", "EMERGENCY_CLOSED");
      assertThat(html).contains("Login storm", "Use outside emergency", "Late rotation", "Rotation failed",
          "Log repaired", "Approval near timeout", "Alert not delivered", "class=\"phase-LOGIN anomaly\"");
      assertThat(html).contains("<span class=\"bad\">failed</span>: 550");
      assertThat(html).contains("Not verified against a signed checkpoint");
      assertThat(html).doesNotContain(".123456789").contains("2026-11-28T09:01:00Z");
    }

    @Test
    void namesTheCheckpointItWasVerifiedAgainst(@TempDir Path dir) {
      Checkpoint c = checkpoint(dir);
      String page = PostIncidentReport.of(incident()).verifiedAgainst(c).toHtml();
      assertThat(page).contains("Verified against the signed checkpoint of " + c.treeSize() + " records, root <code>"
          + Base64.getEncoder().encodeToString(c.rootHash()) + "</code>", c.keyId());
    }
  }

  @Nested
  class Markdown {
    private final String md = MarkdownReport.render(model);

    @Test
    void hostileTextCannotBreakOutOfItsCell() {
      assertThat(md).doesNotContain("<script>").doesNotContain("\u202E").doesNotContain("\r")
          .doesNotContain("[x](http").contains("&lt;script&gt;", "\\[x\\]\\(http", "\\|", "\\`", "\\*");
      long rows = md.lines().filter(l -> l.startsWith("| 2026")).count();
      assertThat(rows).isEqualTo(model.timeline().size() + model.alerts().size());
      assertThat(md.lines().filter(l -> l.startsWith("| 2026")))
          .allSatisfy(l -> assertThat(l.split("(?<!\\\\)\\|", -1).length).isIn(7, 8));
    }

    @Test
    void showsEverySection() {
      assertThat(md).containsSubsequence("# Post-incident review", "## Anomalies (7)", "## Timeline", "## Accounts",
          "## Alerts (2)", "## Open items");
    }
  }

  @Nested
  class Json {
    @Test
    void keepsValuesExactAndEscapesEveryNonAsciiCharacter() {
      String json = JsonReport.render(model);
      assertThat(json).doesNotContain("\u202E").doesNotContain("\r").contains("\\u202E");
      JsonNode root = JsonMapper.builder().build().readTree(json);
      assertThat(root.get("format").asString()).isEqualTo(JsonReport.FORMAT);
      assertThat(root.get("version").asInt()).isEqualTo(1);
      assertThat(root.get("grants").get(0).get("reason").asString()).isEqualTo(HOSTILE);
      assertThat(root.get("anomalies")).hasSize(7);
      assertThat(root.get("timeline").get(0).get("time").asString()).isEqualTo("2026-11-28T08:50:00Z");
    }

    @Test
    void theSchemaShipsWithTheLibrary() {
      assertThat(PostIncidentReport.jsonSchema()).contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"",
          "breakglass-post-incident-report");
    }
  }

  @Test
  void textReportSaysOneRequestAndPrintsSeconds() {
    String text = PostIncidentReport.of(incident()).toText();
    assertThat(text).contains("Grants (1 request, 1 issued)").doesNotContain(".123456789").doesNotContain("\u202E");
  }

  @Test
  void approvalTimeoutMustBePositive() {
    assertThatThrownBy(() -> PostIncidentReport.of(List.of()).approvalTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
  }
}

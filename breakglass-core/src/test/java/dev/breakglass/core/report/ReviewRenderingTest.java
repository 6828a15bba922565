package dev.breakglass.core.report;

import static dev.breakglass.core.report.ReviewReportsTest.DB;
import static dev.breakglass.core.report.ReviewReportsTest.T0;
import static dev.breakglass.core.report.ReviewReportsTest.incident;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What each rendering shows for the states a review can be in: empty, clean, open items, failed alerts. */
class ReviewRenderingTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static ReviewModel model(List<AuditEvent> events) {
    return new ReviewModel(events, null, Duration.ofMinutes(15));
  }

  /** The incident without the rotation that followed its grant. */
  private static ReviewModel notRotated() {
    return model(incident().stream().filter(e -> e.type() != AuditEventType.CREDENTIAL_ROTATED).toList());
  }

  /** The incident with its grant never ended. */
  private static ReviewModel notEnded() {
    return model(incident().stream().filter(e -> e.type() != AuditEventType.GRANT_EXPIRED).toList());
  }

  /** Only an emergency that opened and closed: no anomaly, no alert, no grant. */
  private static ReviewModel quiet() {
    return model(List.of(
        new AuditEvent(T0, AuditEventType.EMERGENCY_OPENED, AuditEvent.SYSTEM, null, null, Map.of()),
        new AuditEvent(T0.plusSeconds(60), AuditEventType.EMERGENCY_CLOSED, AuditEvent.SYSTEM, null, null, Map.of())));
  }

  private static JsonNode json(ReviewModel m) {
    return JSON.readTree(JsonReport.render(m));
  }

  @Test
  void anEmptyLog_saysSoInEachFormat() {
    ReviewModel empty = model(List.of());

    assertThat(MarkdownReport.render(empty)).isEqualTo("# Post-incident review\n\nThe audit log is empty.\n");
    assertThat(HtmlReport.render(empty))
        .endsWith("<h1>Post-incident review</h1>\n<p class=\"none\">The audit log is empty.</p>\n</body>\n</html>\n");
    JsonNode root = json(empty);
    assertThat(root.at("/period/from").isNull()).isTrue();
    assertThat(root.at("/period/to").isNull()).isTrue();
    assertThat(root.get("records").asInt()).isZero();
  }

  @Test
  void aQuietIncident_hasNoAnomaliesAlertsOrOpenItems() {
    ReviewModel m = quiet();

    String md = MarkdownReport.render(m);
    assertThat(md).contains("## Anomalies (0)\n\nNone.\n", "## Alerts (0)\n\nNo alert delivery was recorded.\n",
        "- Grants not ended: none\n- Accounts not rotated since their last grant: none\n",
        "| 2026-11-28T09:00:00Z | OUTAGE | EMERGENCY_OPENED | system |");
    assertThat(md).doesNotContain("⚠");
    String html = HtmlReport.render(m);
    assertThat(html).contains("<p class=\"none\" id=\"anomalies\">None.</p>",
        "<p class=\"none\" id=\"alerts\">No alert delivery was recorded.</p>",
        "<li>Grants not ended: none</li>\n<li>Accounts not rotated since their last grant: none</li>",
        "<p class=\"meta\" id=\"period\">2026-11-28T09:00:00Z to 2026-11-28T09:01:00Z &middot; 2 audit records</p>");
    assertThat(html).doesNotContain(" anomaly\"", "(grant ");
    JsonNode root = json(m);
    assertThat(root.at("/period/from").asString()).isEqualTo("2026-11-28T09:00:00Z");
    assertThat(root.at("/period/to").asString()).isEqualTo("2026-11-28T09:01:00Z");
    assertThat(root.get("anomalies")).isEmpty();
    assertThat(root.at("/timeline/0/anomalies")).isEmpty();
    assertThat(root.at("/timeline/0/type").asString()).isEqualTo("EMERGENCY_OPENED");
    assertThat(root.at("/timeline/0/actor").asString()).isEqualTo(AuditEvent.SYSTEM);
  }

  @Test
  void openItems_areListedAndMarked() {
    ReviewModel m = notRotated();
    assertThat(MarkdownReport.render(m)).contains(
        "- Grants not ended: none\n- Accounts not rotated since their last grant: prod-db-admin\n");
    assertThat(HtmlReport.render(m)).contains("<li>Grants not ended: none</li>\n"
        + "<li>Accounts not rotated since their last grant: <span class=\"bad\">prod-db-admin</span></li>");
    JsonNode root = json(m);
    assertThat(root.at("/openItems/grantsNotEnded")).isEmpty();
    assertThat(root.at("/openItems/accountsNotRotated")).extracting(JsonNode::asString).containsExactly(DB);
    assertThat(root.at("/grants/0/rotatedAt").isNull()).isTrue();
    assertThat(root.at("/accounts/0/notRotated").asBoolean()).isTrue();

    ReviewModel n = notEnded();
    assertThat(MarkdownReport.render(n)).contains(
        "- Grants not ended: bg-1\n- Accounts not rotated since their last grant: none\n");
    assertThat(HtmlReport.render(n)).contains("<li>Grants not ended: <span class=\"bad\">bg-1</span></li>\n"
        + "<li>Accounts not rotated since their last grant: none</li>");
    JsonNode open = json(n);
    assertThat(open.at("/openItems/grantsNotEnded")).extracting(JsonNode::asString).containsExactly("bg-1");
    assertThat(open.at("/openItems/accountsNotRotated")).isEmpty();
    assertThat(open.at("/grants/0/ended").isNull()).isTrue();
    assertThat(open.at("/grants/0/rotatedAt").asString()).isEqualTo("2026-11-28T10:31:35Z");
  }

  @Test
  void accountRows_markRefusalsFailuresAndMissingRotation() {
    String closed = MarkdownReport.render(model(incident()));
    assertThat(closed).contains("| prod-db-admin | 1 | 1 | 1 | 6 | 1 | 1 | 1 | no |");
    assertThat(MarkdownReport.render(notRotated())).contains("| prod-db-admin | 1 | 1 | 1 | 6 | 1 | 0 | 1 | **yes** |");

    assertThat(HtmlReport.render(model(incident()))).contains("<tr><td>prod-db-admin</td><td>1</td><td>1</td><td>1</td>"
        + "<td><span class=\"bad\">6</span></td><td><span class=\"bad\">1</span></td><td>1</td>"
        + "<td><span class=\"bad\">1</span></td><td><span class=\"ok\">yes</span></td></tr>");
    assertThat(HtmlReport.render(notRotated())).contains("<td><span class=\"bad\">no</span></td></tr>");
    assertThat(HtmlReport.render(quiet())).doesNotContain("<tr><td>prod-db-admin");
  }

  @Test
  void alertRows_showDeliveredAndFailedDeliveries() {
    ReviewModel m = model(incident());

    String md = MarkdownReport.render(m);
    assertThat(md).contains("| 2026-11-28T09:18:20Z | GRANT\\_ISSUED | webhook | delivered | 1 |",
        "| 2026-11-28T09:18:21Z | EMERGENCY\\_LOGIN | email | **FAILED**: 550 &lt;b&gt;mailbox&lt;/b&gt; full | 5 |");
    String html = HtmlReport.render(m);
    assertThat(html).contains("<tr><td><time>2026-11-28T09:18:20Z</time></td><td>GRANT_ISSUED</td><td>prod-db-admin</td>"
        + "<td>webhook</td><td><span class=\"ok\">delivered</span></td><td>1</td></tr>",
        "<tr class=\"anomaly\"><td><time>2026-11-28T09:18:21Z</time></td><td>EMERGENCY_LOGIN</td>",
        "<span class=\"bad\">failed</span>: 550 &lt;b&gt;mailbox&lt;/b&gt; full</td><td>5</td></tr>");
    JsonNode alerts = json(m).get("alerts");
    assertThat(alerts.get(0).get("status").asString()).isEqualTo("DELIVERED");
    assertThat(alerts.get(1).get("status").asString()).isEqualTo("FAILED");
    assertThat(alerts.get(1).get("reason").asString()).isEqualTo("550 <b>mailbox</b> full");
  }

  @Test
  void timelineEntries_carryTheirFlagsAndGrant() {
    ReviewModel m = model(incident());

    String md = MarkdownReport.render(m);
    assertThat(md).contains("| ⚠ USE_OUTSIDE_EMERGENCY |", "| EMERGENCY_OPENED |");
    assertThat(md).doesNotContain("⚠ EMERGENCY_OPENED");
    String html = HtmlReport.render(m);
    assertThat(html).contains("<li class=\"phase-LOGIN anomaly\" data-type=\"USE_OUTSIDE_EMERGENCY\">",
        "<li class=\"phase-OUTAGE\" data-type=\"EMERGENCY_OPENED\">",
        " <span class=\"meta\">(grant bg-1)</span>");
    JsonNode timeline = json(m).get("timeline");
    assertThat(timeline.get(0).get("anomalies")).extracting(JsonNode::asString)
        .containsExactly("USE_OUTSIDE_EMERGENCY");
    assertThat(timeline.get(0).at("/details/operation").asString()).isEqualTo("login");
    assertThat(timeline.get(0).get("account").asString()).isEqualTo(DB);
  }

  @Test
  void json_grantWithoutRequest_hasNullRequestFields_andEndedGrantsNameHowTheyEnded() {
    ReviewModel m = model(List.of(
        new AuditEvent(T0, AuditEventType.GRANT_ISSUED, "dave", "bg-9", DB, Map.of()),
        new AuditEvent(T0.plusSeconds(5), AuditEventType.GRANT_REVOKED, "erin", "bg-9", DB, Map.of("reason", "done"))));

    JsonNode g = json(m).at("/grants/0");
    assertThat(g.get("requester").isNull()).isTrue();
    assertThat(g.get("reason").isNull()).isTrue();
    assertThat(g.get("ticket").isNull()).isTrue();
    assertThat(g.get("requestedAt").isNull()).isTrue();
    assertThat(g.get("issuedAt").asString()).isEqualTo("2026-11-28T09:00:00Z");
    assertThat(g.get("expiresAt").isNull()).isTrue();
    assertThat(g.at("/ended/type").asString()).isEqualTo("GRANT_REVOKED");
    assertThat(g.at("/ended/by").asString()).isEqualTo("erin");
    assertThat(g.at("/ended/reason").asString()).isEqualTo("done");

    JsonNode full = json(model(incident())).at("/grants/0");
    assertThat(full.get("requester").asString()).isEqualTo("alice");
    assertThat(full.get("ticket").asString()).startsWith("INC-4711");
    assertThat(full.get("expiresAt").asString()).isEqualTo("2026-11-28T09:35:00Z");
    assertThat(full.get("requestedAt").asString()).isEqualTo("2026-11-28T09:01:00Z");
  }

  @Test
  void onlyRateLimitedRefusals_areFlaggedAsAStorm() {
    ReviewModel m = model(List.of(
        new AuditEvent(T0, AuditEventType.ACCESS_DENIED, "mallory", null, DB, Map.of("reason", "RATE_LIMITED")),
        new AuditEvent(T0.plusSeconds(1), AuditEventType.ACCESS_DENIED, "bob", null, DB,
            Map.of("reason", "NOT_AUTHORIZED"))));

    assertThat(m.anomalies()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(ReviewModel.AnomalyKind.LOGIN_STORM);
      assertThat(a.description()).isEqualTo("mallory was rate limited (throttled requests)");
    });
  }

  @Test
  void sentences_mentionTheAccountOnlyWhenThereIsOne() {
    AuditEvent deniedWithout = new AuditEvent(T0, AuditEventType.ACCESS_DENIED, "bob", null, null, Map.of());
    AuditEvent deniedWith = new AuditEvent(T0, AuditEventType.ACCESS_DENIED, "bob", null, DB, Map.of());
    AuditEvent otherWithout = new AuditEvent(T0, AuditEventType.ALERT_DELIVERED, "system", null, null, Map.of());
    AuditEvent otherWith = new AuditEvent(T0, AuditEventType.ALERT_DELIVERED, "system", null, DB, Map.of());

    assertThat(List.of(deniedWithout, deniedWith, otherWithout, otherWith)).extracting(e -> Sentences.of(e, null))
        .containsExactly("request by bob refused", "request by bob for prod-db-admin refused",
            "ALERT_DELIVERED by system", "ALERT_DELIVERED by system on prod-db-admin");
  }
}

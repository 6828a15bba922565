package dev.breakglass.core.alert.channel;

import static dev.breakglass.core.alert.channel.InertOutputs.assertInert;
import static dev.breakglass.core.alert.channel.InertOutputs.assertInertJson;
import static dev.breakglass.core.alert.channel.InertOutputs.assertInertLines;
import static dev.breakglass.core.alert.channel.InertOutputs.assertInertSyslog;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.PostIncidentReport;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Invariant 13 at every output, fuzzed: arbitrary text in every free-text field (reason, ticket,
 * comment, denial, revocation and incident reasons, actor, account, grant, alert id, summary, detail
 * keys) reaches the log line, every alert payload (webhook generic, Slack, PagerDuty, syslog) and
 * every review format (text, Markdown, HTML; the JSON file escapes them) with no C0/C1 control, line or paragraph
 * separator, bidi or invisible character in it. The engine refuses such text at the input; these
 * outputs must stay inert for text that arrives another way (a plugin, a server's message, a log
 * written by another sink). A normal build runs the stored inputs and the hostile list below; with
 * {@code JAZZER_FUZZ=1} Jazzer fuzzes for 30 s.
 */
class OutputFuzzTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String[] FIELDS = {"reason", "ticket", "comment", "actor", "account", "grant", "id", "summary",
      "key"};

  @FuzzTest(maxDuration = "30s")
  void everyOutput(FuzzedDataProvider data) {
    Map<String, String> text = new LinkedHashMap<>();
    for (String field : FIELDS) {
      text.put(field, data.consumeString(200));
    }
    checkEveryOutput(text);
  }

  @Test
  void hostileTextInEveryFieldReachesEveryOutputInert() {
    for (String hostile : InertOutputs.hostile()) {
      Map<String, String> text = new LinkedHashMap<>();
      for (String field : FIELDS) {
        text.put(field, field + ":" + hostile);
      }
      checkEveryOutput(text);
    }
  }

  static void checkEveryOutput(Map<String, String> t) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("reason", t.get("reason"));
    details.put("ticket", t.get("ticket"));
    details.put("comment", t.get("comment"));
    details.put("d-" + t.get("key"), t.get("reason"));
    Alert alert = new Alert("a-" + t.get("id"), T0, Severity.CRITICAL, AuditEventType.USE_OUTSIDE_EMERGENCY,
        t.get("summary"), "g-" + t.get("grant"), t.get("account"), details);

    CapturingLogger logger = new CapturingLogger("dev.breakglass.alert", false);
    new Slf4jAlertChannel(logger).deliver(alert);
    logger.lines().forEach(line -> assertInert("log line", line));
    for (WebhookAlertChannel.Format format : WebhookAlertChannel.Format.values()) {
      WebhookAlertChannel webhook = WebhookAlertChannel.builder(URI.create("http://127.0.0.1:9/")).format(format)
          .pagerDutyRoutingKey("R0UTING".toCharArray()).build();
      assertInertJson(format + " payload", webhook.body(alert));
    }
    SyslogAlertChannel syslog = SyslogAlertChannel.builder("127.0.0.1", 514).hostname("h").build();
    assertInertSyslog("syslog message", syslog.format(alert));

    PostIncidentReport report = PostIncidentReport.of(story(t));
    assertInertLines("text review", report.toText());
    assertInertLines("Markdown review", report.toMarkdown());
    assertInertLines("HTML review", report.toHtml());
    // the JSON review keeps values exactly as logged (for programs) and escapes them in the file
    assertInertLines("JSON review", report.toJson());
  }

  /** A whole incident whose every free-text field holds the fuzzed text. */
  private static List<AuditEvent> story(Map<String, String> t) {
    String actor = t.get("actor");
    String account = t.get("account");
    String grant = t.get("grant");
    List<AuditEvent> events = new ArrayList<>();
    int[] s = {0};
    java.util.function.BiConsumer<AuditEventType, Map<String, String>> add = (type, d) ->
        events.add(new AuditEvent(T0.plusSeconds(s[0]++), type, actor, grant, account, d));
    add.accept(AuditEventType.INCIDENT_DECLARED, Map.of("reason", t.get("reason")));
    add.accept(AuditEventType.EMERGENCY_OPENED, Map.of("cause", t.get("reason")));
    add.accept(AuditEventType.ACCESS_REQUESTED, Map.of("reason", t.get("reason"), "ticket", t.get("ticket"),
        "duration", "PT30M", "client", t.get("key")));
    add.accept(AuditEventType.APPROVAL_ACCEPTED, Map.of("comment", t.get("comment"), "approvals", "1/2"));
    add.accept(AuditEventType.APPROVAL_REFUSED, Map.of("reason", t.get("comment")));
    add.accept(AuditEventType.GRANT_ISSUED, Map.of("requester", actor, "approvedBy", t.get("comment"),
        "expiresAt", T0.plusSeconds(1800).toString()));
    add.accept(AuditEventType.CREDENTIAL_RELEASED, Map.of("source", t.get("summary")));
    add.accept(AuditEventType.EMERGENCY_LOGIN, Map.of("client", t.get("key")));
    add.accept(AuditEventType.USE_OUTSIDE_EMERGENCY, Map.of("operation", t.get("summary"), "client", t.get("key")));
    add.accept(AuditEventType.ALERT_FAILED, Map.of("alert", t.get("id"), "alertType", "GRANT_ISSUED",
        "channel", t.get("key"), "attempts", "3", "reason", t.get("summary")));
    add.accept(AuditEventType.REQUEST_DENIED, Map.of("reason", t.get("reason")));
    add.accept(AuditEventType.GRANT_REVOKED, Map.of("reason", t.get("reason")));
    add.accept(AuditEventType.ROTATION_FAILED, Map.of("error", t.get("summary")));
    add.accept(AuditEventType.INCIDENT_CLOSED, Map.of("reason", t.get("reason")));
    return events;
  }
}

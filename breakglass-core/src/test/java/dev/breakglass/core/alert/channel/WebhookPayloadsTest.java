package dev.breakglass.core.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@link WebhookPayloads}: optional fields appear only when the alert has them, in every format. */
class WebhookPayloadsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static Alert bare(Severity severity) {
    return new Alert("a-1", Instant.parse("2026-03-01T10:00:00Z"), severity, AuditEventType.PROBE_FAILED, "idp down",
        null, null, Map.of());
  }

  private static Alert full() {
    return new Alert("a-2", Instant.parse("2026-03-01T10:00:00Z"), Severity.HIGH, AuditEventType.GRANT_ISSUED,
        "granted", "g-1", "db-root", new TreeMap<>(Map.of("ticket", "INC-7", "approvedBy", "carol")));
  }

  @Test
  void slack_marksEachSeverityWithItsOwnIcon() {
    assertThat(slackText(bare(Severity.CRITICAL))).startsWith(":rotating_light: *[CRITICAL] PROBE_FAILED* idp down");
    assertThat(slackText(bare(Severity.HIGH))).startsWith(":warning: *[HIGH] PROBE_FAILED* idp down");
    assertThat(slackText(bare(Severity.INFO))).startsWith(":information_source: *[INFO] PROBE_FAILED* idp down");
  }

  @Test
  void slack_listsGrantAndDetailsOnlyWhenPresent() {
    assertThat(slackText(bare(Severity.INFO))).isEqualTo(":information_source: *[INFO] PROBE_FAILED* idp down"
        + "\n>time: 2026-03-01T10:00:00Z\n>alert id: a-1");
    assertThat(slackText(full())).isEqualTo(":warning: *[HIGH] GRANT_ISSUED* granted\n>account: db-root\n>grant: g-1"
        + "\n>approvedBy: carol\n>ticket: INC-7\n>time: 2026-03-01T10:00:00Z\n>alert id: a-2");
  }

  @Test
  void pagerDuty_namesTheAccountAsComponentOnlyWhenThereIsOne() {
    JsonNode bare = JSON.readTree(WebhookPayloads.pagerDuty(bare(Severity.INFO), "k".toCharArray(), "src"));
    JsonNode full = JSON.readTree(WebhookPayloads.pagerDuty(full(), "k".toCharArray(), "src"));

    assertThat(bare.get("payload").has("component")).isFalse();
    assertThat(bare.get("payload").get("custom_details").has("account")).isFalse();
    assertThat(bare.get("payload").get("custom_details").has("grant")).isFalse();
    assertThat(bare.get("payload").get("custom_details").get("details").isEmpty()).isTrue();
    assertThat(full.get("payload").get("component").asString()).isEqualTo("db-root");
    assertThat(full.get("payload").get("custom_details").get("account").asString()).isEqualTo("db-root");
    assertThat(full.get("payload").get("custom_details").get("grant").asString()).isEqualTo("g-1");
    assertThat(full.get("payload").get("custom_details").get("details").get("ticket").asString()).isEqualTo("INC-7");
    assertThat(full.get("payload").get("custom_details").get("details").get("approvedBy").asString())
        .isEqualTo("carol");
  }

  @Test
  void pagerDuty_summaryOfExactlyTheLimit_isKeptWhole() {
    String prefix = "[INFO] PROBE_FAILED: ";
    String summary = "x".repeat(WebhookPayloads.PAGERDUTY_SUMMARY_MAX - prefix.length());
    Alert a = new Alert("a", Instant.EPOCH, Severity.INFO, AuditEventType.PROBE_FAILED, summary, null, null, Map.of());

    JsonNode n = JSON.readTree(WebhookPayloads.pagerDuty(a, "k".toCharArray(), "src"));

    assertThat(n.get("payload").get("summary").asString()).isEqualTo(prefix + summary);
  }

  @Test
  void generic_leavesOutGrantAndAccountWhenAbsent() {
    JsonNode n = JSON.readTree(WebhookPayloads.generic(bare(Severity.INFO)));

    assertThat(n.has("grant")).isFalse();
    assertThat(n.has("account")).isFalse();
    assertThat(n.get("source").asString()).isEqualTo("breakglass");
    assertThat(n.get("version").asInt()).isEqualTo(1);
  }

  private static String slackText(Alert a) {
    return JSON.readTree(WebhookPayloads.slack(a)).get("text").asString();
  }
}

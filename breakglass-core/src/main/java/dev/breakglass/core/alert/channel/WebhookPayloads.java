package dev.breakglass.core.alert.channel;

import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The JSON bodies {@link WebhookAlertChannel} sends, one shape per {@link WebhookAlertChannel.Format}. */
final class WebhookPayloads {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  /** PagerDuty rejects summaries longer than this. */
  static final int PAGERDUTY_SUMMARY_MAX = 1024;

  private WebhookPayloads() {}

  /** Every field of the alert, for a receiver that reads JSON. */
  static byte[] generic(Alert alert) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("source", "breakglass");
    n.put("version", 1);
    n.put("id", alert.id());
    n.put("time", alert.time().toString());
    n.put("severity", alert.severity().name());
    n.put("type", alert.type().name());
    n.put("summary", alert.summary());
    if (alert.grantId() != null) {
      n.put("grant", alert.grantId());
    }
    if (alert.account() != null) {
      n.put("account", alert.account());
    }
    ObjectNode details = n.putObject("details");
    alert.details().forEach(details::put);
    return MAPPER.writeValueAsBytes(n);
  }

  /** A Slack incoming-webhook message: one mrkdwn text, escaped as Slack requires. */
  static byte[] slack(Alert alert) {
    StringBuilder text = new StringBuilder();
    text.append(alert.severity() == Severity.CRITICAL ? ":rotating_light: " : alert.severity() == Severity.HIGH
        ? ":warning: " : ":information_source: ");
    text.append("*[").append(alert.severity()).append("] ").append(alert.type()).append("* ")
        .append(slackEscape(alert.summary()));
    if (alert.account() != null) {
      text.append("\n>account: ").append(slackEscape(alert.account()));
    }
    if (alert.grantId() != null) {
      text.append("\n>grant: ").append(slackEscape(alert.grantId()));
    }
    for (Map.Entry<String, String> e : alert.details().entrySet()) {
      text.append("\n>").append(slackEscape(e.getKey())).append(": ").append(slackEscape(e.getValue()));
    }
    text.append("\n>time: ").append(alert.time());
    text.append("\n>alert id: ").append(slackEscape(alert.id()));
    ObjectNode n = MAPPER.createObjectNode();
    n.put("text", text.toString());
    return MAPPER.writeValueAsBytes(n);
  }

  /** A PagerDuty Events API v2 trigger event; {@code dedup_key} is the alert id. */
  static byte[] pagerDuty(Alert alert, char[] routingKey, String source) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("routing_key", new String(routingKey));
    n.put("event_action", "trigger");
    n.put("dedup_key", alert.id());
    n.put("client", "breakglass");
    ObjectNode p = n.putObject("payload");
    String summary = "[" + alert.severity() + "] " + alert.type() + ": " + alert.summary();
    p.put("summary", summary.length() > PAGERDUTY_SUMMARY_MAX ? summary.substring(0, PAGERDUTY_SUMMARY_MAX) : summary);
    p.put("source", source);
    p.put("severity", pagerDutySeverity(alert.severity()));
    p.put("timestamp", alert.time().toString());
    p.put("class", alert.type().name());
    p.put("group", "breakglass");
    if (alert.account() != null) {
      p.put("component", alert.account());
    }
    ObjectNode custom = p.putObject("custom_details");
    custom.put("alert_id", alert.id());
    custom.put("breakglass_severity", alert.severity().name());
    custom.put("type", alert.type().name());
    custom.put("summary", alert.summary());
    if (alert.grantId() != null) {
      custom.put("grant", alert.grantId());
    }
    if (alert.account() != null) {
      custom.put("account", alert.account());
    }
    ObjectNode details = custom.putObject("details");
    alert.details().forEach(details::put);
    return MAPPER.writeValueAsBytes(n);
  }

  /** INFO to {@code info}, HIGH to {@code error}, CRITICAL to {@code critical}. */
  static String pagerDutySeverity(Severity severity) {
    switch (severity) {
      case CRITICAL:
        return "critical";
      case HIGH:
        return "error";
      default:
        return "info";
    }
  }

  private static String slackEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

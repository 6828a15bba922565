package dev.breakglass.core.alert.channel;

import static dev.breakglass.core.alert.channel.InertOutputs.alertWith;
import static dev.breakglass.core.alert.channel.InertOutputs.assertInert;
import static dev.breakglass.core.alert.channel.InertOutputs.assertInertJson;
import static dev.breakglass.core.alert.channel.InertOutputs.assertInertSyslog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.spi.Alert;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Invariant 13 at the output: whatever text an alert carries (from a server's error message, a
 * plugin, an old record), every built-in channel writes it inert: control, line-separator, bidi and
 * invisible characters appear as visible {@code \\uXXXX} escapes, never raw.
 */
class HostileAlertTextTest {

  @Test
  void aControlCharacterInAnAlertIdIsDeliveredByTheWebhookWithAnInertHeader() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      WebhookAlertChannel channel = WebhookAlertChannel.builder(receiver.uri()).timeout(Duration.ofSeconds(10))
          .build();
      Alert alert = alertWith("\u001B[31m\r\nX-Injected: yes");
      channel.deliver(alert);
      WebhookReceiver.Request got = receiver.await(1).get(0);
      assertThat(got.header(WebhookAlertChannel.ALERT_ID_HEADER)).isEqualTo("id-\\u001B[31m\\u000D\\u000AX-Injected: yes");
      assertThat(got.header("X-Injected")).isNull();
      assertInertJson("webhook body", got.body());
    }
  }

  @Test
  void everyWebhookFormatWritesHostileTextInert() {
    for (WebhookAlertChannel.Format format : WebhookAlertChannel.Format.values()) {
      WebhookAlertChannel channel = WebhookAlertChannel.builder(java.net.URI.create("http://127.0.0.1:9/"))
          .format(format).pagerDutyRoutingKey("R0UTING".toCharArray()).build();
      for (String text : InertOutputs.hostile()) {
        assertInertJson(format + " payload", channel.body(alertWith(text)));
      }
    }
  }

  @Test
  void theLogChannelWritesHostileTextInert() {
    CapturingLogger logger = new CapturingLogger("dev.breakglass.alert", false);
    Slf4jAlertChannel channel = new Slf4jAlertChannel(logger);
    for (String text : InertOutputs.hostile()) {
      channel.deliver(alertWith(text));
    }
    List<String> lines = logger.lines();
    assertThat(lines).hasSize(InertOutputs.hostile().size());
    lines.forEach(line -> assertInert("log line", line));
    assertThat(lines.get(0)).contains("a\\u000D\\u000A2026-11-28 ERROR");
  }

  @Test
  void theSyslogChannelWritesHostileTextInert() {
    SyslogAlertChannel channel = SyslogAlertChannel.builder("127.0.0.1", 514).hostname("h").build();
    for (String text : InertOutputs.hostile()) {
      assertInertSyslog("syslog message", channel.format(alertWith(text)));
    }
  }
}

package dev.breakglass.core.alert.channel;

import static dev.breakglass.core.alert.channel.TestSupport.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.ProviderContext;
import dev.breakglass.spi.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The alert channel providers: the names they register under and each property they read. */
class AlertChannelProvidersTest {
  private static final String KEY = "a-webhook-signing-key-of-32-bytes-or-more";

  @TempDir
  Path dir;

  private final Map<String, String> env = new HashMap<>();

  private ProviderContext context(String provider, Map<String, String> properties) {
    return new ProviderContext(provider, properties, Clock.systemUTC(), dir, env::get)
        .withKeyPrefix("alert.channel.ops.");
  }

  @Test
  void providersRegisterUnderTheirChannelNames() {
    assertThat(new Slf4jAlertChannelProvider().name()).isEqualTo("slf4j");
    assertThat(new SyslogAlertChannelProvider().name()).isEqualTo("syslog");
    assertThat(new WebhookAlertChannelProvider().name()).isEqualTo("webhook");
  }

  @Test
  void slf4j_logsToTheConfiguredLogger_andConfirmsNothing() {
    try (AlertChannel c = new Slf4jAlertChannelProvider().create(context("slf4j", Map.of("logger", "ops.alerts")));
        AlertChannel d = new Slf4jAlertChannelProvider().create(context("slf4j", Map.of()))) {
      assertThat(c.toString()).isEqualTo("Slf4jAlertChannel[ops.alerts]");
      assertThat(d.toString()).isEqualTo("Slf4jAlertChannel[dev.breakglass.alert]");
      assertThat(c.confirmsDelivery()).isFalse();
      assertThat(c.name()).isEqualTo("slf4j");
    }
  }

  @Test
  void syslog_readsEveryMessageField() throws Exception {
    try (SyslogListener l = SyslogListener.tcp();
        AlertChannel c = new SyslogAlertChannelProvider().create(context("syslog", Map.of("host", "127.0.0.1",
            "port", Integer.toString(l.port()), "app-name", "payments", "hostname", "app-1", "sd-id", "ops@32473",
            "name", "audit-syslog", "facility", "local4")))) {
      c.deliver(alert(Severity.HIGH));

      String msg = l.await(1).get(0);
      assertThat(msg).startsWith("<" + (20 * 8 + 3) + ">1 ");
      assertThat(msg.split(" ")[2]).isEqualTo("app-1");
      assertThat(msg.split(" ")[3]).isEqualTo("payments");
      assertThat(msg).contains("[ops@32473 id=");
      assertThat(c.name()).isEqualTo("audit-syslog");
      assertThat(c.confirmsDelivery()).isTrue();
    }
  }

  @Test
  void syslog_udpTransportIsSelectable_andBadValuesNameTheProvider() throws Exception {
    try (AlertChannel c = new SyslogAlertChannelProvider().create(context("syslog", Map.of("host", "127.0.0.1",
        "transport", "udp")))) {
      assertThat(c.confirmsDelivery()).isFalse();
      assertThat(c.toString()).isEqualTo("SyslogAlertChannel[syslog, udp://127.0.0.1:514, auth]");
    }
    assertThatThrownBy(() -> new SyslogAlertChannelProvider().create(context("syslog", Map.of("host", "127.0.0.1",
        "max-datagram-bytes", "100")))).isInstanceOf(ProviderException.class)
        .hasMessageContaining("syslog maxDatagramBytes must be 480-65507, was 100");
  }

  @Test
  void webhook_nameAndSourceAreRead() {
    env.put("ROUTING", "R0UT1NG");
    try (WebhookAlertChannel c = (WebhookAlertChannel) new WebhookAlertChannelProvider().create(context("webhook",
        Map.of("format", "pagerduty", "routing-key-env", "ROUTING", "name", "pager", "source", "payments-eu")))) {
      assertThat(c.name()).isEqualTo("pager");
      assertThat(JsonMapper.builder().build().readTree(c.body(alert(Severity.HIGH))).at("/payload/source").asString())
          .isEqualTo("payments-eu");
    }
  }

  @Test
  void webhook_signsWithTheKeyFromTheEnvironment() throws Exception {
    env.put("HOOK_KEY", KEY);
    try (WebhookReceiver receiver = WebhookReceiver.start();
        AlertChannel c = new WebhookAlertChannelProvider().create(context("webhook",
            Map.of("url", receiver.uri().toString(), "hmac-key-env", "HOOK_KEY")))) {
      c.deliver(alert(Severity.HIGH));
      WebhookReceiver.Request r = receiver.requests().get(0);
      assertThat(WebhookSignatureVerifier.builder(KEY.getBytes(StandardCharsets.UTF_8)).build()
          .isValid(r.header(WebhookAlertChannel.TIMESTAMP_HEADER), r.header(WebhookAlertChannel.SIGNATURE_HEADER),
              r.body())).isTrue();
    }
  }

  @Test
  void webhook_urlFromTheEnvironmentIsUsed_andNeverNamedWhenBad() throws Exception {
    env.put("HOOK_URL", "  https://hooks.example.org/T000/B000/secretpath  ");
    try (AlertChannel c = new WebhookAlertChannelProvider().create(context("webhook", Map.of("url-env", "HOOK_URL")))) {
      assertThat(c.toString()).contains("https://hooks.example.org").doesNotContain("secretpath");
    }
    env.put("HOOK_URL", "ftp://hooks.example.org/secretpath");
    assertThatThrownBy(() -> new WebhookAlertChannelProvider().create(context("webhook", Map.of("url-env", "HOOK_URL"))))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("the value from its secret source is not an absolute http(s) URL")
        .hasMessageNotContaining("secretpath");
    assertThatThrownBy(() -> new WebhookAlertChannelProvider().create(context("webhook", Map.of("url", "/relative"))))
        .hasMessageContaining("'/relative' is not an absolute http(s) URL");
  }

  @Test
  void webhook_urlInBothFormsIsRefused_eachForm() {
    for (String other : new String[] {"url-env", "url-file"}) {
      assertThatThrownBy(() -> new WebhookAlertChannelProvider().create(context("webhook",
          Map.of("url", "https://hooks.example.org/x", other, "X")))).isInstanceOf(ProviderException.class)
          .hasMessageContaining("set only one of 'alert.channel.ops.url' and its '-env'/'-file' forms");
    }
  }

  @Test
  void webhook_withoutUrl_namesTheProperty() {
    assertThatThrownBy(() -> new WebhookAlertChannelProvider().create(context("webhook", Map.of())))
        .isInstanceOf(ProviderException.class)
        .hasMessage("provider 'webhook' needs the property 'alert.channel.ops.url' (or its '-env' / '-file' form)");
  }

  @Test
  void utf8AndWipe_encodesAndWipesTheCharacters() {
    char[] secret = "kéy-€".toCharArray();

    byte[] bytes = ProviderSupport.utf8AndWipe(secret);

    assertThat(bytes).isEqualTo("kéy-€".getBytes(StandardCharsets.UTF_8));
    assertThat(secret).containsOnly('\0');
  }
}

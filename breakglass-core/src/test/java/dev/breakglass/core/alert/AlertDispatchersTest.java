package dev.breakglass.core.alert;

import static dev.breakglass.core.alert.channel.TestSupport.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ProviderException;
import dev.breakglass.core.alert.channel.Slf4jAlertChannelProvider;
import dev.breakglass.core.alert.channel.SyslogAlertChannelProvider;
import dev.breakglass.core.alert.channel.WebhookAlertChannel;
import dev.breakglass.core.alert.channel.WebhookAlertChannelProvider;
import dev.breakglass.core.alert.channel.WebhookReceiver;
import dev.breakglass.core.alert.channel.WebhookSignatureVerifier;
import dev.breakglass.spi.AlertChannelProvider;
import dev.breakglass.spi.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AlertDispatchers}: building a dispatcher and its channels from properties and providers. */
class AlertDispatchersTest {
  private static final String KEY = "a-signing-key-that-is-long-enough-for-hmac";

  @TempDir Path dir;

  private WebhookReceiver receiver;
  private final Map<String, AlertChannelProvider> providers =
      AlertDispatchers.providers(AlertDispatchersTest.class.getClassLoader());

  @BeforeEach
  void start() throws Exception {
    receiver = WebhookReceiver.start();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private OutboxAlertDispatcher.Builder build(Map<String, String> props, Map<String, String> env) {
    return AlertDispatchers.fromProperties(props, Clock.systemUTC(), dir, providers, env::get);
  }

  @Test
  void builtInProvidersAreDiscovered() {
    assertThat(providers).containsKeys("slf4j", "webhook", "syslog");
    assertThat(providers.values()).allSatisfy(p -> assertThat(p.name()).isIn("slf4j", "webhook", "syslog"));
  }

  @Test
  void propertiesConfigureChannelsRoutingAndSecrets() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("hook.key"), KEY + "\n");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    Map<String, String> props = new HashMap<>();
    props.put("alert.channels", "log, pager");
    props.put("alert.channel.log.provider", "slf4j");
    props.put("alert.channel.pager.provider", "webhook");
    props.put("alert.channel.pager.url", receiver.uri().toString());
    props.put("alert.channel.pager.hmac-key-file", keyFile.toString());
    props.put("alert.channel.pager.min-severity", "high");
    props.put("alert.retry.initial-backoff", "10ms");
    props.put("alert.confirmation-timeout", "20s");
    props.put("unrelated.setting", "ignored");
    try (OutboxAlertDispatcher d = build(props, Map.of()).build()) {
      assertThat(d.channelKeys()).containsExactly("log", "pager");
      assertThat(d.outboxDirectory()).isEqualTo(dir.resolve("alert-outbox"));
      d.dispatch(alert(Severity.CRITICAL)).get(20, TimeUnit.SECONDS);
      assertThat(d.dispatch(alert(Severity.INFO))).failsWithin(20, TimeUnit.SECONDS);
    }
    assertThat(receiver.requests()).singleElement().satisfies(r ->
        WebhookSignatureVerifier.builder(KEY.getBytes(StandardCharsets.UTF_8)).build()
            .verify(r.header(WebhookAlertChannel.TIMESTAMP_HEADER), r.header(WebhookAlertChannel.SIGNATURE_HEADER),
                r.body()));
  }

  @Test
  void defaultIsTheLogChannelAlone() {
    try (OutboxAlertDispatcher d = build(Map.of(), Map.of()).build()) {
      assertThat(d.channelKeys()).containsExactly("slf4j");
    }
  }

  @Test
  void secretFromTheEnvironment() throws Exception {
    Map<String, String> props = Map.of("alert.channels", "webhook",
        "alert.channel.webhook.url", receiver.uri().toString(),
        "alert.channel.webhook.hmac-key-env", "BREAKGLASS_HOOK_KEY");
    try (OutboxAlertDispatcher d = build(props, Map.of("BREAKGLASS_HOOK_KEY", KEY)).build()) {
      d.dispatch(alert(Severity.HIGH)).get(20, TimeUnit.SECONDS);
    }
    assertThat(receiver.requests().get(0).header(WebhookAlertChannel.SIGNATURE_HEADER)).startsWith("v1=");
  }

  @Test
  void unknownProviderIsNamedWithTheAvailableOnes() {
    assertThatThrownBy(() -> build(Map.of("alert.channels", "pager", "alert.channel.pager.provider", "sms"),
        Map.of())).isInstanceOf(ProviderException.class)
        .hasMessageContaining("'sms'").hasMessageContaining("slf4j").hasMessageContaining("webhook");
  }

  @Test
  void clearTextSecretIsRefused() {
    assertThatThrownBy(() -> build(Map.of("alert.channels", "webhook",
        "alert.channel.webhook.url", receiver.uri().toString(),
        "alert.channel.webhook.hmac-key", KEY), Map.of()))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("alert.channel.webhook").hasMessageContaining("hmac-key-file")
        .hasMessageNotContaining(KEY);
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> build(Map.of("alert.channel.slf4j.min-severity", "urgent"), Map.of()))
        .hasMessageContaining("min-severity").hasMessageContaining("urgent");
    assertThatThrownBy(() -> build(Map.of("alert.retry.max-attempts", "many"), Map.of()))
        .hasMessageContaining("alert.retry.max-attempts").hasMessageContaining("many");
    assertThatThrownBy(() -> build(Map.of("alert.retry.initial-backoff", "soon"), Map.of()))
        .hasMessageContaining("alert.retry.initial-backoff");
    assertThatThrownBy(() -> build(Map.of("alert.channels", "webhook"), Map.of()))
        .hasMessageContaining("'alert.channel.webhook.url'");
    assertThatThrownBy(() -> build(Map.of("alert.channels", "syslog", "alert.channel.syslog.host", "h",
        "alert.channel.syslog.transport", "carrier-pigeon"), Map.of()))
        .hasMessageContaining("transport").hasMessageContaining("udp, tcp");
    assertThatThrownBy(() -> build(Map.of("alert.channels", "webhook", "alert.channel.webhook.format", "pagerduty"),
        Map.of())).hasMessageContaining("routing-key-env");
  }

  @Test
  void confirmationCanBeOverriddenPerChannel() throws Exception {
    Map<String, String> props = Map.of("alert.channels", "slf4j", "alert.channel.slf4j.confirms", "true");
    try (OutboxAlertDispatcher d = build(props, Map.of()).build()) {
      assertThat(d.dispatch(alert(Severity.HIGH))).succeedsWithin(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void pagerDutyDefaultsToItsEndpointAndReadsTheRoutingKeyFromAFile() throws Exception {
    Path routing = Files.writeString(dir.resolve("pd"), "R0UT1NG");
    Files.setPosixFilePermissions(routing, PosixFilePermissions.fromString("rw-------"));
    WebhookAlertChannel c = (WebhookAlertChannel) providers.get("webhook").create(new dev.breakglass.spi.ProviderContext(
        "alert.channel.pd", Map.of("format", "pagerduty", "routing-key-file", routing.toString()), Clock.systemUTC(),
        dir));
    assertThat(c.format()).isEqualTo(WebhookAlertChannel.Format.PAGERDUTY);
    assertThat(c.toString()).contains("https://events.pagerduty.com").doesNotContain("R0UT1NG");
    c.close();
  }

  @Test
  void providerRegistrationsMatchTheModuleDescriptor() throws Exception {
    List<String> services = Files.readAllLines(
        Path.of("src/main/resources/META-INF/services/dev.breakglass.spi.AlertChannelProvider"));
    assertThat(services).containsExactlyInAnyOrder(Slf4jAlertChannelProvider.class.getName(),
        WebhookAlertChannelProvider.class.getName(), SyslogAlertChannelProvider.class.getName());
    java.lang.module.ModuleDescriptor descriptor;
    try (var in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      descriptor = java.lang.module.ModuleDescriptor.read(in);
    }
    assertThat(descriptor.provides()).filteredOn(p -> p.service().equals(AlertChannelProvider.class.getName()))
        .singleElement().satisfies(p -> assertThat(p.providers()).containsExactlyInAnyOrderElementsOf(services));
    assertThat(descriptor.uses()).contains(AlertChannelProvider.class.getName());
  }
}

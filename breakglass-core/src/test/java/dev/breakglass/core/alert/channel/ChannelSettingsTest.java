package dev.breakglass.core.alert.channel;

import static dev.breakglass.core.alert.channel.TestSupport.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.spi.AlertDeliveryException;
import dev.breakglass.spi.Severity;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Limits of the syslog builder, the log channel's levels and an interrupted webhook delivery. */
class ChannelSettingsTest {
  private static SyslogAlertChannel.Builder syslog() {
    return SyslogAlertChannel.builder("127.0.0.1", 514);
  }

  @Test
  void syslogPorts_areOneTo65535() {
    assertThat(SyslogAlertChannel.builder("127.0.0.1", 1).build().toString())
        .isEqualTo("SyslogAlertChannel[syslog, tcp://127.0.0.1:1, auth]");
    assertThat(SyslogAlertChannel.builder("127.0.0.1", 65535).build().toString()).contains(":65535,");
    assertThatThrownBy(() -> SyslogAlertChannel.builder("127.0.0.1", 0))
        .hasMessage("syslog port must be 1-65535, was 0");
    assertThatThrownBy(() -> SyslogAlertChannel.builder("127.0.0.1", 65536))
        .hasMessage("syslog port must be 1-65535, was 65536");
  }

  @Test
  void syslogSdId_isOneTo32PrintableCharacters() {
    String max = "a".repeat(26) + "@32473";
    assertThat(max).hasSize(32);
    String msg = new String(syslog().hostname("h").sdId(max).build().format(alert(Severity.INFO)),
        StandardCharsets.UTF_8);
    assertThat(msg).contains("[" + max + " id=");
    for (String bad : new String[] {"", "b".repeat(27) + "@32473", "has space@1", "a=b", "a]b", "a\"b"}) {
      assertThatThrownBy(() -> syslog().sdId(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("syslog SD-ID '" + bad + "' must be 1-32 printable characters");
    }
    assertThatThrownBy(() -> syslog().sdId(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void syslogDatagramLimit_is480To65507() {
    syslog().maxDatagramBytes(480).maxDatagramBytes(65507);
    assertThatThrownBy(() -> syslog().maxDatagramBytes(479))
        .hasMessage("syslog maxDatagramBytes must be 480-65507, was 479");
    assertThatThrownBy(() -> syslog().maxDatagramBytes(65508))
        .hasMessage("syslog maxDatagramBytes must be 480-65507, was 65508");
  }

  @Test
  void syslogNames_mustNotBeBlank() {
    assertThat(syslog().name("audit").build().name()).isEqualTo("audit");
    assertThatThrownBy(() -> syslog().name(" ")).hasMessage("syslog channel name must not be blank");
    assertThatThrownBy(() -> syslog().name(null)).hasMessage("syslog channel name must not be blank");
  }

  @Test
  void syslogHostname_defaultsToThisMachinesName() throws Exception {
    String msg = new String(syslog().build().format(alert(Severity.INFO)), StandardCharsets.UTF_8);

    StringBuilder expected = new StringBuilder();
    InetAddress.getLocalHost().getHostName().chars().limit(255)
        .forEach(ch -> expected.append(ch > 32 && ch < 127 ? (char) ch : '_'));
    assertThat(expected).isNotEmpty();
    assertThat(msg.split(" ")[2]).isEqualTo(expected.toString());
  }

  @Test
  void syslogToString_namesChannelTargetAndFacility() {
    assertThat(syslog().name("audit").transport(SyslogAlertChannel.Transport.UDP)
        .facility(SyslogAlertChannel.Facility.LOCAL7).build().toString())
        .isEqualTo("SyslogAlertChannel[audit, udp://127.0.0.1:514, local7]");
  }

  @Test
  void logChannel_logsEachAlertAtItsSeverity_criticalAsError_highAsWarn_infoAsInfo() {
    CapturingLogger logger = new CapturingLogger("dev.breakglass.alert", false);
    Slf4jAlertChannel c = new Slf4jAlertChannel(logger);

    c.deliver(alert(Severity.CRITICAL));
    c.deliver(alert(Severity.HIGH));
    c.deliver(alert(Severity.INFO));

    assertThat(logger.lines()).extracting(l -> l.substring(0, l.indexOf(' ')))
        .containsExactly("ERROR", "WARN", "INFO");
    assertThat(c.confirmsDelivery()).isFalse();
  }

  @Test
  void interruptedWebhookDelivery_isRetryable_andKeepsTheInterrupt() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start();
        WebhookAlertChannel c = WebhookAlertChannel.builder(receiver.uri()).build()) {
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> c.deliver(alert(Severity.HIGH)))
            .isInstanceOfSatisfying(AlertDeliveryException.class, e -> assertThat(e.retryable()).isTrue())
            .hasMessageEndingWith(": interrupted");
      } finally {
        assertThat(Thread.interrupted()).isTrue();
      }
    }
  }

  @Test
  void aUdpMessageOfExactlyTheDatagramLimit_isSentWhole() throws Exception {
    try (SyslogListener l = SyslogListener.udp();
        SyslogAlertChannel c = SyslogAlertChannel.builder("127.0.0.1", l.port())
            .transport(SyslogAlertChannel.Transport.UDP).hostname("h").maxDatagramBytes(480).build()) {
      int base = c.format(withSummary("x")).length - 1;
      var exact = withSummary("x".repeat(480 - base));
      assertThat(c.format(exact)).hasSize(480);

      c.deliver(exact);

      assertThat(l.await(1)).singleElement().asString().endsWith("x".repeat(480 - base));
      assertThat(l.raw().get(0)).hasSize(480);
    }
  }

  @Test
  void aWebhookUrlWithAnExplicitPort_keepsItInItsName() {
    assertThat(WebhookAlertChannel.builder(java.net.URI.create("http://127.0.0.1:0/x")).build().toString())
        .isEqualTo("WebhookAlertChannel[webhook, generic, http://127.0.0.1:0]");
  }

  private static dev.breakglass.spi.Alert withSummary(String summary) {
    return new dev.breakglass.spi.Alert("a-1", java.time.Instant.parse("2026-03-01T10:15:30Z"), Severity.INFO,
        dev.breakglass.AuditEventType.GRANT_ISSUED, summary, "g-1", "db-root", java.util.Map.of());
  }
}

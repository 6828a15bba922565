package dev.breakglass.core.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertDeliveryException;
import dev.breakglass.spi.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link SyslogAlertChannel}: the RFC 5424 message, framing, truncation and reconnection, against a real listener. */
class SyslogAlertChannelTest {
  private static Alert alert(Severity severity, String summary, Map<String, String> details) {
    return new Alert("a-17", Instant.parse("2026-03-01T10:15:30.123456789Z"), severity,
        AuditEventType.CREDENTIAL_RELEASED, summary, "grant-5", "db-root", details);
  }

  private static SyslogAlertChannel.Builder to(SyslogListener l, SyslogAlertChannel.Transport t) {
    return SyslogAlertChannel.builder("127.0.0.1", l.port()).transport(t).hostname("app-1.example.org");
  }

  @Test
  void messageFollowsRfc5424() throws Exception {
    try (SyslogListener l = SyslogListener.tcp();
        SyslogAlertChannel c = to(l, SyslogAlertChannel.Transport.TCP).facility(SyslogAlertChannel.Facility.AUTH)
            .appName("payments").build()) {
      c.deliver(alert(Severity.HIGH, "Credential released to alice", new TreeMap<>(Map.of("ticket", "INC-7"))));
      byte[] raw = l.await(1).isEmpty() ? new byte[0] : l.raw().get(0);
      String pid = Long.toString(ProcessHandle.current().pid());
      String expectedHead = "<35>1 2026-03-01T10:15:30.123456Z app-1.example.org payments " + pid
          + " CREDENTIAL_RELEASED [breakglass@32473 id=\"a-17\" severity=\"HIGH\" type=\"CREDENTIAL_RELEASED\""
          + " grant=\"grant-5\" account=\"db-root\" d.ticket=\"INC-7\"] ";
      byte[] head = expectedHead.getBytes(StandardCharsets.US_ASCII);
      assertThat(Arrays.copyOf(raw, head.length)).isEqualTo(head);
      assertThat(Arrays.copyOfRange(raw, head.length, head.length + 3))
          .containsExactly((byte) 0xEF, (byte) 0xBB, (byte) 0xBF);
      assertThat(new String(raw, head.length + 3, raw.length - head.length - 3, StandardCharsets.UTF_8))
          .isEqualTo("Credential released to alice");
      assertThat(l.framingErrors()).isEmpty();
    }
  }

  @Test
  void priorityCombinesFacilityAndSeverity() {
    assertThat(SyslogMessage.syslogSeverity(Severity.INFO)).isEqualTo(5);
    assertThat(SyslogMessage.syslogSeverity(Severity.HIGH)).isEqualTo(3);
    assertThat(SyslogMessage.syslogSeverity(Severity.CRITICAL)).isEqualTo(1);
    SyslogAlertChannel c = SyslogAlertChannel.builder("127.0.0.1", 514).hostname("h")
        .facility(SyslogAlertChannel.Facility.LOCAL4).build();
    String msg = new String(c.format(alert(Severity.CRITICAL, "x", Map.of())), StandardCharsets.UTF_8);
    assertThat(msg).startsWith("<" + (20 * 8 + 1) + ">1 ");
  }

  @Test
  void structuredDataValuesAreEscapedAndNamesSanitized() {
    SyslogAlertChannel c = SyslogAlertChannel.builder("127.0.0.1", 514).hostname("h").build();
    String msg = new String(c.format(alert(Severity.INFO, "s",
        Map.of("quote\"d key=x", "a \"b\" \\c] d"))), StandardCharsets.UTF_8);
    assertThat(msg).contains(" d.quote_d_key_x=\"a \\\"b\\\" \\\\c\\] d\"]");
  }

  @Test
  void headerFieldsAreSanitizedAndBounded() {
    SyslogAlertChannel c = SyslogAlertChannel.builder("127.0.0.1", 514).hostname("my host")
        .appName("x".repeat(60)).build();
    String msg = new String(c.format(alert(Severity.INFO, "s", Map.of())), StandardCharsets.UTF_8);
    assertThat(msg.split(" ")[2]).isEqualTo("my_host");
    assertThat(msg.split(" ")[3]).hasSize(48);
  }

  @Test
  void tcpFramesUseOctetCountingAndSurviveMultiByteText() throws Exception {
    try (SyslogListener l = SyslogListener.tcp();
        SyslogAlertChannel c = to(l, SyslogAlertChannel.Transport.TCP).build()) {
      c.deliver(alert(Severity.INFO, "Zugriff gewährt – 紧急", Map.of()));
      c.deliver(alert(Severity.INFO, "second", Map.of()));
      List<String> got = l.await(2);
      assertThat(got).hasSize(2);
      assertThat(got.get(0)).endsWith("Zugriff gewährt – 紧急");
      assertThat(got.get(1)).endsWith("second");
      assertThat(l.framingErrors()).isEmpty();
    }
  }

  @Test
  void tcpReconnectsAfterTheReceiverDroppedTheConnection() throws Exception {
    try (SyslogListener l = SyslogListener.tcp();
        SyslogAlertChannel c = to(l, SyslogAlertChannel.Transport.TCP).build()) {
      c.deliver(alert(Severity.INFO, "before", Map.of()));
      assertThat(l.await(1)).hasSize(1);
      l.dropConnections();
      // The channel sees the closed connection before writing and opens a new one. Should the close
      // not have reached it yet, the write fails retryably and the next one reconnects.
      for (int i = 0; i < 3; i++) {
        try {
          c.deliver(alert(Severity.INFO, "after", Map.of()));
          break;
        } catch (AlertDeliveryException e) {
          assertThat(e.retryable()).isTrue();
        }
      }
      assertThat(l.await(2)).hasSize(2).last().asString().endsWith("after");
      assertThat(l.framingErrors()).isEmpty();
    }
  }

  @Test
  void unreachableTcpReceiverFailsRetryably() throws Exception {
    try (SyslogAlertChannel c = SyslogAlertChannel.builder("127.0.0.1", WebhookReceiver.freePort()).build()) {
      assertThatThrownBy(() -> c.deliver(alert(Severity.HIGH, "x", Map.of())))
          .isInstanceOf(AlertDeliveryException.class)
          .satisfies(e -> assertThat(((AlertDeliveryException) e).retryable()).isTrue());
    }
  }

  @Test
  void udpMessagesAreCutAtACharacterBoundary() throws Exception {
    try (SyslogListener l = SyslogListener.udp();
        SyslogAlertChannel c = to(l, SyslogAlertChannel.Transport.UDP).maxDatagramBytes(480).build()) {
      c.deliver(alert(Severity.INFO, "é".repeat(400), Map.of()));
      byte[] raw = l.await(1).isEmpty() ? new byte[0] : l.raw().get(0);
      assertThat(raw.length).isBetween(479, 480);
      String text = new String(raw, StandardCharsets.UTF_8);
      assertThat(text).doesNotContain("\uFFFD").endsWith("é");
    }
  }

  @Test
  void udpDoesNotConfirmDeliveryTcpDoes() {
    assertThat(SyslogAlertChannel.builder("127.0.0.1", 514).transport(SyslogAlertChannel.Transport.UDP).build()
        .confirmsDelivery()).isFalse();
    assertThat(SyslogAlertChannel.builder("127.0.0.1", 514).transport(SyslogAlertChannel.Transport.TCP).build()
        .confirmsDelivery()).isTrue();
  }

  @Test
  void truncateNeverSplitsACharacter() {
    byte[] bytes = "aé€😀".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 4 bytes
    assertThat(SyslogMessage.truncate(bytes, 2)).hasSize(1);
    assertThat(SyslogMessage.truncate(bytes, 3)).hasSize(3);
    assertThat(SyslogMessage.truncate(bytes, 5)).hasSize(3);
    assertThat(SyslogMessage.truncate(bytes, 6)).hasSize(6);
    assertThat(SyslogMessage.truncate(bytes, 9)).hasSize(6);
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> SyslogAlertChannel.builder("", 514)).hasMessageContaining("host");
    assertThatThrownBy(() -> SyslogAlertChannel.builder("h", 70000)).hasMessageContaining("70000");
    assertThatThrownBy(() -> SyslogAlertChannel.builder("h", 514).sdId("has space")).hasMessageContaining("SD-ID");
    assertThatThrownBy(() -> SyslogAlertChannel.builder("h", 514).maxDatagramBytes(100)).hasMessageContaining("480");
  }
}

package dev.breakglass.core.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertDeliveryException;
import dev.breakglass.spi.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a TCP {@link SyslogAlertChannel} keeps, notices the loss of, and gives up its one connection. */
class SyslogTcpConnectionTest {
  private static Alert alert(String summary) {
    return new Alert("a-" + summary, Instant.parse("2026-03-01T10:15:30Z"), Severity.HIGH,
        AuditEventType.GRANT_ISSUED, summary, "g-1", "db-root", Map.of());
  }

  private static SyslogAlertChannel channel(SyslogListener l) {
    // A long timeout: a channel that waited on its connection for anything but the 1 ms probe would hang.
    return SyslogAlertChannel.builder("127.0.0.1", l.port()).hostname("h").timeout(Duration.ofMinutes(10)).build();
  }

  @Test
  void alertsShareOneConnection() throws Exception {
    try (SyslogListener l = SyslogListener.tcp(); SyslogAlertChannel c = channel(l)) {
      c.deliver(alert("one"));
      c.deliver(alert("two"));
      c.deliver(alert("three"));

      assertThat(l.await(3)).hasSize(3);
      assertThat(l.acceptedConnections()).isEqualTo(1);
    }
  }

  @Test
  void aByteFromTheReceiver_doesNotCountAsAClosedConnection() throws Exception {
    try (SyslogListener l = SyslogListener.tcp(); SyslogAlertChannel c = channel(l)) {
      c.deliver(alert("one"));
      assertThat(l.await(1)).hasSize(1);
      l.writeToSenders(0);
      Thread.sleep(50); // let the byte arrive; its absence only makes the test weaker, never flaky
      c.deliver(alert("two"));

      assertThat(l.await(2)).hasSize(2);
      assertThat(l.acceptedConnections()).isEqualTo(1);
    }
  }

  @Test
  void aReceiverThatClosedTheConnection_getsTheNextAlertOnANewOne() throws Exception {
    try (SyslogListener l = SyslogListener.tcp(); SyslogAlertChannel c = channel(l)) {
      c.deliver(alert("before"));
      assertThat(l.await(1)).hasSize(1);
      l.dropConnections();
      Thread.sleep(50); // let the FIN arrive, so the channel sees it before writing

      c.deliver(alert("after"));

      assertThat(l.await(2)).hasSize(2).last().asString().endsWith("after");
      assertThat(l.acceptedConnections()).isEqualTo(2);
    }
  }

  @Test
  void aReceiverThatResetTheConnection_getsTheNextAlertOnANewOne() throws Exception {
    try (SyslogListener l = SyslogListener.tcp(); SyslogAlertChannel c = channel(l)) {
      c.deliver(alert("before"));
      assertThat(l.await(1)).hasSize(1);
      l.resetConnections();
      Thread.sleep(50); // let the RST arrive

      c.deliver(alert("after"));

      assertThat(l.await(2)).hasSize(2).last().asString().endsWith("after");
      assertThat(l.acceptedConnections()).isEqualTo(2);
    }
  }

  @Test
  void close_closesTheConnection_andRefusesFurtherAlerts() throws Exception {
    try (SyslogListener l = SyslogListener.tcp()) {
      SyslogAlertChannel c = channel(l);
      c.deliver(alert("one"));
      assertThat(l.await(1)).hasSize(1);

      c.close();

      assertThat(l.awaitClosedBySender(1)).isEqualTo(1);
      assertThatThrownBy(() -> c.deliver(alert("two"))).isInstanceOfSatisfying(AlertDeliveryException.class, e -> {
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).isEqualTo("syslog channel 'syslog' is closed");
      });
    }
  }

  @Test
  void anUnreachableReceiver_isNamedInTheError() throws Exception {
    int port = WebhookReceiver.freePort();
    try (SyslogAlertChannel c = SyslogAlertChannel.builder("127.0.0.1", port).build()) {
      assertThatThrownBy(() -> c.deliver(alert("x"))).isInstanceOfSatisfying(AlertDeliveryException.class,
          e -> assertThat(e.getMessage()).isEqualTo("syslog tcp://127.0.0.1:" + port + ": ConnectException"));
    }
  }
}

package dev.breakglass.alert.email;

import static dev.breakglass.alert.email.MailFixtures.FROM;
import static dev.breakglass.alert.email.MailFixtures.TO;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EmailAlertChannel.Security#TLS} (SMTPS) against GreenMail's SMTPS server with the test certificate. */
class EmailAlertChannelSmtpsTest {
  private static final String PASSWORD = "smtps-password-for-tests";

  static {
    // GreenMail reads its server key store from these properties when its first TLS server starts.
    try {
      System.setProperty("greenmail.tls.keystore.file",
          Path.of(EmailAlertChannelSmtpsTest.class.getResource("/smtp-server.p12").toURI()).toString());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    System.setProperty("greenmail.tls.keystore.password", StartTlsFront.KEYSTORE_PASSWORD);
    System.setProperty("greenmail.tls.key.password", StartTlsFront.KEYSTORE_PASSWORD);
  }

  @RegisterExtension
  static final GreenMailExtension GREEN_MAIL = new GreenMailExtension(ServerSetupTest.SMTPS.dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser(TO, "alerts", PASSWORD));

  @Test
  void implicitTlsDeliversWithTheServerCertificateChecked() throws Exception {
    Alert alert = new Alert("alert-smtps", Instant.parse("2026-03-01T10:15:30Z"), Severity.HIGH,
        AuditEventType.CREDENTIAL_RELEASED, "Credential released for db-root", "grant-3", "db-root", Map.of());
    try (EmailAlertChannel channel = EmailAlertChannel.builder("127.0.0.1", FROM, List.of(TO))
        .security(EmailAlertChannel.Security.TLS)
        .port(GREEN_MAIL.getSmtps().getPort())
        .credentials("alerts", PASSWORD.toCharArray())
        .sslSocketFactory(MailFixtures.trustingTestServer())
        .build()) {
      channel.deliver(alert);
    }
    assertThat(GREEN_MAIL.waitForIncomingEmail(20_000, 1)).isTrue();
    assertThat(GREEN_MAIL.getReceivedMessages()).singleElement()
        .satisfies(m -> assertThat(m.getHeader(EmailAlertChannel.ALERT_ID_HEADER)).containsExactly("alert-smtps"));
  }
}

package dev.breakglass.alert.email;

import static dev.breakglass.alert.email.MailFixtures.FROM;
import static dev.breakglass.alert.email.MailFixtures.TO;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.tck.AlertChannelContract;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EmailAlertChannel} against the alert channel kit: STARTTLS (through {@link StartTlsFront})
 * to a real GreenMail SMTP server that checks the login, with a canary password.
 */
class EmailAlertChannelContractTest extends AlertChannelContract {
  static final String PASSWORD = "canary-smtp-password-7f1c2a";

  @RegisterExtension
  static final GreenMailExtension GREEN_MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser(TO, "alerts", PASSWORD));

  private StartTlsFront front;

  private EmailAlertChannel.Builder configured(int port) throws Exception {
    return EmailAlertChannel.builder("127.0.0.1", FROM, List.of(TO))
        .port(port)
        .security(EmailAlertChannel.Security.STARTTLS)
        .credentials("alerts", PASSWORD.toCharArray())
        .sslSocketFactory(MailFixtures.trustingTestServer());
  }

  @Override
  protected AlertChannel createChannel() throws Exception {
    front = new StartTlsFront("smtp-server.p12", GREEN_MAIL.getSmtp().getPort());
    return configured(front.port()).build();
  }

  @Override
  protected AlertChannel createUnreachableChannel() throws Exception {
    return configured(MailFixtures.freePort()).build();
  }

  @Override
  protected List<String> awaitReceived(int count) {
    GREEN_MAIL.waitForIncomingEmail(WAIT_SECONDS * 1000, count);
    return MailFixtures.texts(GREEN_MAIL.getReceivedMessages());
  }

  @Override
  protected Collection<String> channelSecrets() {
    return List.of(PASSWORD);
  }

  @AfterEach
  void stopFront() throws Exception {
    front.close();
  }
}

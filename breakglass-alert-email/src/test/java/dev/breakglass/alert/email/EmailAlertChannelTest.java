package dev.breakglass.alert.email;

import static dev.breakglass.alert.email.MailFixtures.FROM;
import static dev.breakglass.alert.email.MailFixtures.TO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.breakglass.AuditEventType;
import dev.breakglass.ProviderException;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertDeliveryException;
import dev.breakglass.spi.ProviderContext;
import dev.breakglass.spi.Severity;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link EmailAlertChannel} and its provider against a real GreenMail SMTP server. */
class EmailAlertChannelTest {
  private static final String PASSWORD = "smtp-password-for-tests";

  @RegisterExtension
  static final GreenMailExtension GREEN_MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser(TO, "alerts", PASSWORD));

  @TempDir Path dir;

  private StartTlsFront front;

  @AfterEach
  void stopFront() throws Exception {
    if (front != null) {
      front.close();
    }
  }

  private static Alert alert(Severity severity, String summary) {
    return new Alert("alert-0001", Instant.parse("2026-03-01T10:15:30Z"), severity,
        AuditEventType.USE_OUTSIDE_EMERGENCY, summary, "grant-9", "db-root", Map.of("ticket", "INC-7"));
  }

  private EmailAlertChannel.Builder viaStartTls(String keystore, char[] password) throws Exception {
    front = new StartTlsFront(keystore, GREEN_MAIL.getSmtp().getPort());
    return EmailAlertChannel.builder("127.0.0.1", FROM, List.of(TO)).port(front.port())
        .credentials("alerts", password)
        .sslSocketFactory(MailFixtures.trustingTestServer());
  }

  @Test
  void everythingAfterGreetingTravelsInsideTls() throws Exception {
    try (EmailAlertChannel channel = viaStartTls("smtp-server.p12", PASSWORD.toCharArray()).build()) {
      channel.deliver(alert(Severity.CRITICAL, "Break-glass account used while the IdP is healthy"));
    }
    assertThat(GREEN_MAIL.waitForIncomingEmail(20_000, 1)).isTrue();
    assertThat(front.handshakes()).isEqualTo(1);
    assertThat(front.clearTextCommands()).allMatch(c -> c.startsWith("EHLO") || c.equals("STARTTLS"))
        .contains("STARTTLS");
    MimeMessage m = GREEN_MAIL.getReceivedMessages()[0];
    assertThat(m.getSubject()).isEqualTo(
        "[breakglass CRITICAL] USE_OUTSIDE_EMERGENCY: Break-glass account used while the IdP is healthy");
    assertThat(m.getHeader(EmailAlertChannel.ALERT_ID_HEADER)).containsExactly("alert-0001");
    assertThat(m.getHeader("Message-ID")).containsExactly("<breakglass.alert-0001@example.org>");
    assertThat(m.getHeader("Auto-Submitted")).containsExactly("auto-generated");
    assertThat(m.getHeader("X-Priority")).containsExactly("1");
    assertThat((String) m.getContent()).contains("account:  db-root").contains("grant:    grant-9")
        .contains("ticket: INC-7").contains("alert id: alert-0001");
  }

  @Test
  void serverWithoutStartTlsGetsNothingInClearText() throws Exception {
    try (EmailAlertChannel channel = EmailAlertChannel.builder("127.0.0.1", FROM, List.of(TO))
        .port(GREEN_MAIL.getSmtp().getPort()).credentials("alerts", PASSWORD.toCharArray()).build()) {
      assertThatThrownBy(() -> channel.deliver(alert(Severity.HIGH, "grant issued")))
          .isInstanceOf(AlertDeliveryException.class)
          .hasMessageContaining("STARTTLS")
          .satisfies(e -> assertThat(((AlertDeliveryException) e).retryable()).isTrue());
    }
    assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
  }

  @Test
  void untrustedServerCertificateIsRefused() throws Exception {
    try (EmailAlertChannel channel = viaStartTls("untrusted-server.p12", PASSWORD.toCharArray()).build()) {
      assertThatThrownBy(() -> channel.deliver(alert(Severity.HIGH, "grant issued")))
          .isInstanceOf(AlertDeliveryException.class);
    }
    assertThat(front.handshakes()).isZero();
    assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
  }

  @Test
  void rejectedPasswordIsNotRetryable() throws Exception {
    try (EmailAlertChannel channel = viaStartTls("smtp-server.p12", "wrong-password".toCharArray()).build()) {
      assertThatThrownBy(() -> channel.deliver(alert(Severity.HIGH, "grant issued")))
          .isInstanceOf(AlertDeliveryException.class)
          .hasMessageContaining("rejected the credentials")
          .satisfies(e -> assertThat(((AlertDeliveryException) e).retryable()).isFalse());
    }
    assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
  }

  @Test
  void retriedAlertKeepsItsMessageIdAndLineBreaksCannotInjectHeaders() throws Exception {
    try (EmailAlertChannel channel = EmailAlertChannel.builder("127.0.0.1", FROM, List.of(TO)).build()) {
      Alert a = alert(Severity.INFO, "line one\r\nBcc: attacker@example.net");
      MimeMessage first = channel.message(a);
      MimeMessage second = channel.message(a);
      assertThat(first.getMessageID()).isEqualTo(second.getMessageID()).isEqualTo("<breakglass.alert-0001@example.org>");
      assertThat(first.getHeader("Bcc")).isNull();
      assertThat(first.getSubject()).doesNotContain("\n").doesNotContain("\r");
      Alert odd = new Alert("id with spaces/and@signs", a.time(), a.severity(), a.type(), "x", null, null, Map.of());
      assertThat(channel.message(odd).getMessageID()).matches("<breakglass\\.[0-9a-f]{64}@example\\.org>");
    }
  }

  @Test
  void hostileTextIsInertInTheSubjectTheHeadersAndEveryLineOfTheBody() throws Exception {
    String hostile = "\u001B[31mred\u0085\u2028\u202Eevil\u200B\r\nforged line";
    try (EmailAlertChannel channel = EmailAlertChannel.builder("127.0.0.1", FROM, List.of(TO)).build()) {
      Alert a = new Alert("alert-" + hostile, Instant.parse("2026-03-01T10:15:30Z"), Severity.HIGH,
          AuditEventType.GRANT_ISSUED, "summary " + hostile, "grant-" + hostile, "acct-" + hostile,
          Map.of("reason", hostile, "key" + hostile, "v"));
      MimeMessage m = channel.message(a);
      assertInert(m.getSubject());
      assertInert(m.getHeader(EmailAlertChannel.ALERT_ID_HEADER)[0]);
      String body = (String) m.getContent();
      for (String line : body.split("\n", -1)) {
        assertInert(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
      }
      assertThat(body).contains("reason: \\u001B[31mred\\u0085\\u2028\\u202Eevil\\u200B\\u000D\\u000Aforged line");
    }
  }

  private static void assertInert(String text) {
    text.codePoints().forEach(cp -> assertThat(dev.breakglass.FreeText.isForbidden(cp))
        .as("U+%04X in %s", cp, dev.breakglass.FreeText.inert(text)).isFalse());
  }

  @Test
  void passwordIsNeverSentWithoutTls() {
    assertThatThrownBy(() -> EmailAlertChannel.builder("127.0.0.1", FROM, List.of(TO))
        .security(EmailAlertChannel.Security.NONE).credentials("alerts", PASSWORD.toCharArray()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("clear text");
  }

  @Test
  void badAddressesAreNamed() {
    assertThatThrownBy(() -> EmailAlertChannel.builder("smtp.example.org", "not an address", List.of(TO)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'from'").hasMessageContaining("not an address");
    assertThatThrownBy(() -> EmailAlertChannel.builder("smtp.example.org", FROM, List.of()))
        .hasMessageContaining("at least one recipient");
  }

  @Test
  void providerIsFoundByNameAndReadsThePasswordFromAFile() throws Exception {
    Path passwordFile = Files.writeString(dir.resolve("smtp-password"), PASSWORD + "\n");
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    Path pem = dir.resolve("trust.pem");
    try (var in = getClass().getResourceAsStream("/smtp-server-cert.pem")) {
      Files.copy(in, pem);
    }
    front = new StartTlsFront("smtp-server.p12", GREEN_MAIL.getSmtp().getPort());
    Map<String, String> props = new HashMap<>();
    props.put("host", "127.0.0.1");
    props.put("port", Integer.toString(front.port()));
    props.put("from", FROM);
    props.put("to", TO + ", other@example.org");
    props.put("username", "alerts");
    props.put("password-file", passwordFile.toString());
    props.put("trust-certificates", pem.toString());
    EmailAlertChannelProvider provider = ServiceLoader.load(dev.breakglass.spi.AlertChannelProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("email"))
        .map(EmailAlertChannelProvider.class::cast).findFirst().orElseThrow();
    try (AlertChannel channel = provider.create(new ProviderContext("alert.channel.mail", props,
        Clock.systemUTC(), dir))) {
      assertThat(channel.toString()).doesNotContain(PASSWORD);
      channel.deliver(alert(Severity.HIGH, "grant issued"));
    }
    assertThat(GREEN_MAIL.waitForIncomingEmail(20_000, 2)).isTrue();
    assertThat(GREEN_MAIL.getReceivedMessages()).hasSize(2);
  }

  @Test
  void providerRefusesAPasswordInClearText() {
    Map<String, String> props = Map.of("host", "smtp.example.org", "from", FROM, "to", TO,
        "username", "alerts", "password", "oops");
    assertThatThrownBy(() -> new EmailAlertChannelProvider().create(
        new ProviderContext("alert.channel.mail", props, Clock.systemUTC(), dir)))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("'password'").hasMessageContaining("password-env").hasMessageNotContaining("oops");
  }

  @Test
  void providerNamesMissingAndBadProperties() {
    assertThatThrownBy(() -> new EmailAlertChannelProvider().create(
        new ProviderContext("alert.channel.mail", Map.of("host", "h", "to", TO), Clock.systemUTC(), dir)))
        .hasMessageContaining("'from'");
    assertThatThrownBy(() -> new EmailAlertChannelProvider().create(new ProviderContext("alert.channel.mail",
        Map.of("host", "h", "from", FROM, "to", TO, "security", "ssl3"), Clock.systemUTC(), dir)))
        .hasMessageContaining("'security'").hasMessageContaining("ssl3");
    assertThatThrownBy(() -> new EmailAlertChannelProvider().create(new ProviderContext("alert.channel.mail",
        Map.of("host", "h", "from", FROM, "to", TO, "username", "u"), Clock.systemUTC(), dir)))
        .hasMessageContaining("password-env");
  }
}

package dev.breakglass.alert.email;

import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertDeliveryException;
import dev.breakglass.spi.Severity;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * Sends each alert as one plain-text e-mail over SMTP with Jakarta Mail (Eclipse Angus).
 *
 * <h2>Transport security</h2>
 * {@link Security#STARTTLS} (the default, port 587) requires the server to offer STARTTLS and
 * refuses to send otherwise: an attacker who strips STARTTLS from the server's answer gets an error,
 * not the alert in clear text. {@link Security#TLS} speaks TLS from the first byte (port 465).
 * {@link Security#NONE} (port 25) sends in clear and cannot be combined with a password. The server
 * certificate is checked against the JDK trust store or the {@linkplain Builder#sslSocketFactory
 * given one}, and its name against the host.
 *
 * <h2>The message</h2>
 * Subject {@code [breakglass SEVERITY] TYPE: summary}; a body with every field of the alert;
 * headers {@value #ALERT_ID_HEADER} (the idempotency key) and {@code Auto-Submitted: auto-generated};
 * a {@code Message-ID} derived from the alert id, so a retried alert carries the same Message-ID
 * and mail systems can drop the duplicate. CRITICAL alerts are marked high priority.
 *
 * <h2>Outcomes</h2>
 * Rejected credentials or recipients throw a non-retryable {@link AlertDeliveryException}; a
 * refused connection, a timeout, a missing STARTTLS or a server error a retryable one. Every
 * connection, read and write is bounded by the timeouts.
 *
 * <p>Thread-safe: each delivery opens its own connection. {@link #close()} wipes the password.
 * Jakarta Mail takes the password as a {@code String} when connecting; that short-lived copy cannot
 * be wiped.
 */
public final class EmailAlertChannel implements AlertChannel {
  /** The provider and default channel name. */
  public static final String NAME = "email";
  /** Header carrying the alert id. */
  public static final String ALERT_ID_HEADER = "X-Breakglass-Alert-Id";

  /** How the connection to the SMTP server is protected. */
  public enum Security {
    /** Plain connection upgraded with STARTTLS, which the server must offer. Default port 587. */
    STARTTLS(587),
    /** TLS from the start (SMTPS). Default port 465. */
    TLS(465),
    /** No encryption; only for a relay on the same host or a trusted segment. Default port 25. */
    NONE(25);

    private final int defaultPort;

    Security(int defaultPort) {
      this.defaultPort = defaultPort;
    }

    /** The conventional port for this mode. */
    public int defaultPort() {
      return defaultPort;
    }
  }

  private final String name;
  private final String host;
  private final int port;
  private final Security security;
  private final InternetAddress from;
  private final InternetAddress[] to;
  private final @Nullable String username;
  private final char @Nullable [] password;
  private final Session session;

  private EmailAlertChannel(Builder b) {
    this.name = b.name;
    this.host = b.host;
    this.port = b.port > 0 ? b.port : b.security.defaultPort();
    this.security = b.security;
    this.from = b.from;
    this.to = b.to.toArray(new InternetAddress[0]);
    this.username = b.username;
    this.password = b.password == null ? null : b.password.clone();
    Properties p = new Properties();
    String ms = Long.toString(b.timeout.toMillis());
    p.put("mail.smtp.host", host);
    p.put("mail.smtp.port", Integer.toString(port));
    p.put("mail.smtp.connectiontimeout", Long.toString(b.connectTimeout.toMillis()));
    p.put("mail.smtp.timeout", ms);
    p.put("mail.smtp.writetimeout", ms);
    p.put("mail.smtp.auth", Boolean.toString(username != null));
    p.put("mail.smtp.from", from.getAddress());
    if (security != Security.NONE) {
      p.put("mail.smtp.ssl.checkserveridentity", "true");
      p.put("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
      if (b.sslSocketFactory != null) {
        p.put("mail.smtp.ssl.socketFactory", b.sslSocketFactory);
      }
    }
    if (security == Security.STARTTLS) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
    } else if (security == Security.TLS) {
      p.put("mail.smtp.ssl.enable", "true");
    }
    this.session = Session.getInstance(p);
  }

  /** A builder for a channel sending through {@code host} from {@code from} to {@code to}. */
  public static Builder builder(String host, String from, List<String> to) {
    return new Builder(host, from, to);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void deliver(Alert alert) {
    MimeMessage message;
    try {
      message = message(alert);
    } catch (MessagingException e) {
      throw new AlertDeliveryException("email: cannot build the message for alert " + alert.id() + ": "
          + e.getClass().getSimpleName(), false, e);
    }
    try (Transport transport = session.getTransport("smtp")) {
      if (username != null && password != null) {
        transport.connect(host, port, username, new String(password));
      } else {
        transport.connect();
      }
      transport.sendMessage(message, message.getAllRecipients());
    } catch (AuthenticationFailedException e) {
      throw new AlertDeliveryException("email " + target() + ": the server rejected the credentials of '"
          + username + "'", false, e);
    } catch (SendFailedException e) {
      Address[] invalid = e.getInvalidAddresses();
      boolean rejected = invalid != null && invalid.length > 0;
      throw new AlertDeliveryException("email " + target() + ": " + (rejected ? "recipients rejected: "
          + Arrays.toString(invalid) : "sending failed: " + firstLine(e.getMessage())), !rejected, e);
    } catch (MessagingException e) {
      throw new AlertDeliveryException("email " + target() + ": " + firstLine(e.getMessage()), true, e);
    } catch (IllegalStateException e) {
      throw new AlertDeliveryException("email " + target() + ": " + e.getClass().getSimpleName(), true, e);
    }
  }

  MimeMessage message(Alert hostile) throws MessagingException {
    Alert alert = hostile.inert();
    String messageId = "<" + localPart(alert.id()) + "@" + domain(from) + ">";
    MimeMessage m = new MimeMessage(session) {
      @Override
      protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
      }
    };
    m.setFrom(from);
    m.setRecipients(Message.RecipientType.TO, to);
    m.setSentDate(Date.from(alert.time()));
    m.setSubject(oneLine("[breakglass " + alert.severity() + "] " + alert.type() + ": " + alert.summary()),
        StandardCharsets.UTF_8.name());
    m.setHeader(ALERT_ID_HEADER, oneLine(alert.id()));
    m.setHeader("Auto-Submitted", "auto-generated");
    if (alert.severity() == Severity.CRITICAL) {
      m.setHeader("X-Priority", "1");
      m.setHeader("Importance", "high");
    }
    m.setText(body(alert), StandardCharsets.UTF_8.name());
    m.saveChanges();
    return m;
  }

  static String body(Alert hostile) {
    Alert alert = hostile.inert();
    StringBuilder sb = new StringBuilder();
    sb.append(alert.summary()).append("\n\n");
    sb.append("severity: ").append(alert.severity()).append('\n');
    sb.append("type:     ").append(alert.type()).append('\n');
    sb.append("time:     ").append(alert.time()).append('\n');
    if (alert.account() != null) {
      sb.append("account:  ").append(alert.account()).append('\n');
    }
    if (alert.grantId() != null) {
      sb.append("grant:    ").append(alert.grantId()).append('\n');
    }
    for (Map.Entry<String, String> e : alert.details().entrySet()) {
      sb.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    sb.append("alert id: ").append(alert.id()).append('\n');
    sb.append("\nSent by breakglass. Every use of emergency access must be reviewed.\n");
    return sb.toString();
  }

  /** The alert id if it is a valid Message-ID local part, otherwise its SHA-256 (stable either way). */
  private static String localPart(String id) {
    if (id.matches("[A-Za-z0-9._-]{1,128}") && !id.startsWith(".") && !id.endsWith(".") && !id.contains("..")) {
      return "breakglass." + id;
    }
    try {
      return "breakglass." + HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", e);
    }
  }

  private static String domain(InternetAddress address) {
    String a = address.getAddress();
    int at = a.lastIndexOf('@');
    return at < 0 || at == a.length() - 1 ? "breakglass.invalid" : a.substring(at + 1);
  }

  /** Header values must not break lines (header injection). */
  private static String oneLine(String s) {
    return s.replace('\r', ' ').replace('\n', ' ');
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "no detail";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }

  private String target() {
    return host + ":" + port + " (" + security.name().toLowerCase(Locale.ROOT) + ")";
  }

  @Override
  public void close() {
    if (password != null) {
      Arrays.fill(password, '\0');
    }
  }

  @Override
  public String toString() {
    return "EmailAlertChannel[" + name + ", " + target() + ", to=" + Arrays.toString(to)
        + (username != null ? ", user=" + username : "") + "]";
  }

  /** Configures an {@link EmailAlertChannel}. Not thread-safe. */
  public static final class Builder {
    private final String host;
    private final InternetAddress from;
    private final List<InternetAddress> to = new ArrayList<>();
    private String name = NAME;
    private int port;
    private Security security = Security.STARTTLS;
    private @Nullable String username;
    private char @Nullable [] password;
    private Duration timeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private @Nullable SSLSocketFactory sslSocketFactory;

    private Builder(String host, String from, List<String> to) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("SMTP host must not be blank");
      }
      this.host = host.strip();
      this.from = address("from", from);
      Objects.requireNonNull(to, "to");
      for (String t : to) {
        this.to.add(address("to", t));
      }
      if (this.to.isEmpty()) {
        throw new IllegalArgumentException("an e-mail alert channel needs at least one recipient");
      }
    }

    private static InternetAddress address(String field, String raw) {
      try {
        InternetAddress a = new InternetAddress(Objects.requireNonNull(raw, field), true);
        a.validate();
        return a;
      } catch (AddressException e) {
        throw new IllegalArgumentException("e-mail '" + field + "' address '" + raw + "' is not valid: "
            + e.getMessage(), e);
      }
    }

    public Builder name(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("e-mail channel name must not be blank");
      }
      this.name = name;
      return this;
    }

    /** Default: {@link Security#defaultPort()} of the security mode. */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("SMTP port must be 1-65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** Default {@link Security#STARTTLS}. */
    public Builder security(Security security) {
      this.security = Objects.requireNonNull(security, "security");
      return this;
    }

    /** Log in with these credentials; the password is copied (wipe yours afterwards). */
    public Builder credentials(String username, char[] password) {
      if (username == null || username.isBlank()) {
        throw new IllegalArgumentException("SMTP username must not be blank");
      }
      Objects.requireNonNull(password, "password");
      this.username = username;
      this.password = password.clone();
      return this;
    }

    /** Bound on each read and write. Default 10 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive("timeout", timeout);
      return this;
    }

    /** Bound on connecting. Default 5 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive("connectTimeout", connectTimeout);
      return this;
    }

    /** The TLS socket factory (for a private trust store). Default: the JDK's. */
    public Builder sslSocketFactory(SSLSocketFactory factory) {
      this.sslSocketFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * @throws IllegalStateException if a password would be sent without encryption
     */
    public EmailAlertChannel build() {
      if (security == Security.NONE && password != null) {
        throw new IllegalStateException("an e-mail channel without TLS would send the SMTP password in clear text;"
            + " use security STARTTLS or TLS");
      }
      EmailAlertChannel channel = new EmailAlertChannel(this);
      if (password != null) {
        Arrays.fill(password, '\0');
        password = null;
      }
      return channel;
    }

    private static Duration positive(String what, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException("e-mail " + what + " must be positive, was " + d);
      }
      return d;
    }
  }
}

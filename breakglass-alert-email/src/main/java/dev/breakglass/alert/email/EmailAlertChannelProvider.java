package dev.breakglass.alert.email;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertChannelProvider;
import dev.breakglass.spi.ProviderContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Provider {@value EmailAlertChannel#NAME}: an {@link EmailAlertChannel}. The SMTP password is read
 * with {@link ProviderContext#secret}: from an environment variable ({@code password-env}) or a file
 * ({@code password-file}), never from a {@code password} property.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code host}</td><td>required</td><td>the SMTP server</td></tr>
 *   <tr><td>{@code port}</td><td>587, 465 or 25 by {@code security}</td><td></td></tr>
 *   <tr><td>{@code security}</td><td>{@code starttls}</td><td>{@code starttls} (required, no fallback),
 *       {@code tls} (SMTPS) or {@code none}</td></tr>
 *   <tr><td>{@code from}</td><td>required</td><td>sender address</td></tr>
 *   <tr><td>{@code to}</td><td>required</td><td>comma-separated recipients</td></tr>
 *   <tr><td>{@code username}</td><td>none (no login)</td><td>SMTP login</td></tr>
 *   <tr><td>{@code password-env} / {@code password-file}</td><td>required with {@code username}</td>
 *       <td>SMTP password</td></tr>
 *   <tr><td>{@code trust-certificates}</td><td>the JDK trust store</td><td>a PEM file of the
 *       certificates (or CAs) to trust for the server instead</td></tr>
 *   <tr><td>{@code timeout}</td><td>{@code 10s}</td><td>bound on each read and write</td></tr>
 *   <tr><td>{@code connect-timeout}</td><td>{@code 5s}</td><td>bound on connecting</td></tr>
 *   <tr><td>{@code name}</td><td>{@code email}</td><td>channel name in messages</td></tr>
 * </table>
 */
public final class EmailAlertChannelProvider implements AlertChannelProvider {
  @Override
  public String name() {
    return EmailAlertChannel.NAME;
  }

  @Override
  public AlertChannel create(ProviderContext context) {
    String provider = context.providerName();
    List<String> to = new ArrayList<>();
    for (String t : context.require("to").split(",")) {
      if (!t.isBlank()) {
        to.add(t.strip());
      }
    }
    EmailAlertChannel.Builder b;
    try {
      b = EmailAlertChannel.builder(context.require("host"), context.require("from"), to)
          .security(security(context))
          .timeout(context.duration("timeout", Duration.ofSeconds(10)))
          .connectTimeout(context.duration("connect-timeout", Duration.ofSeconds(5)));
      if (context.get("port").isPresent()) {
        b.port(context.integer("port", 0));
      }
      context.get("name").ifPresent(b::name);
    } catch (IllegalArgumentException e) {
      throw new ProviderException(provider, "provider '" + provider + "': " + e.getMessage(), e);
    }
    Optional<String> user = context.get("username");
    Optional<char[]> password = context.secret("password");
    try {
      if (user.isPresent() != password.isPresent()) {
        throw new ProviderException(provider, "provider '" + provider + "': set both 'username' and"
            + " 'password-env' (or 'password-file'), or neither");
      }
      if (user.isPresent()) {
        b.credentials(user.get(), password.get());
      }
    } finally {
      password.ifPresent(p -> Arrays.fill(p, '\0'));
    }
    context.get("trust-certificates").ifPresent(file -> b.sslSocketFactory(trusting(provider, Path.of(file))));
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw new ProviderException(provider, "provider '" + provider + "': " + e.getMessage(), e);
    }
  }

  private static EmailAlertChannel.Security security(ProviderContext context) {
    String raw = context.get("security").orElse("starttls");
    try {
      return EmailAlertChannel.Security.valueOf(raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ProviderException(context.providerName(), "provider '" + context.providerName()
          + "' property 'security' must be starttls, tls or none, was '" + raw + "'");
    }
  }

  /** A socket factory that trusts exactly the certificates in a PEM file. */
  static SSLSocketFactory trusting(String provider, Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new ProviderException(provider, "provider '" + provider + "' property 'trust-certificates': "
            + pem + " holds no certificate");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        trust.setCertificateEntry("trusted-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new ProviderException(provider, "provider '" + provider + "' property 'trust-certificates': cannot"
          + " read certificates from " + pem + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }
}

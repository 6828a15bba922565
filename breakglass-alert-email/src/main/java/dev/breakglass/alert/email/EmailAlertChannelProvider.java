package dev.breakglass.alert.email;

import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertChannelProvider;
import dev.breakglass.spi.ProviderContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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
          .timeout(context.positiveDuration("timeout", Duration.ofSeconds(10)))
          .connectTimeout(context.positiveDuration("connect-timeout", Duration.ofSeconds(5)));
      if (context.get("port").isPresent()) {
        b.port(context.integer("port", 0));
      }
      context.get("name").ifPresent(b::name);
    } catch (IllegalArgumentException e) {
      throw context.problem(e.getMessage());
    }
    Optional<String> user = context.get("username");
    Optional<char[]> password = context.secret("password");
    try {
      if (user.isPresent() != password.isPresent()) {
        throw context.problem("set both '" + context.fullKey("username") + "' and '" + context.fullKey("password")
            + "-env' (or '-file'), or neither");
      }
      if (user.isPresent()) {
        b.credentials(user.get(), password.get());
      }
    } finally {
      password.ifPresent(p -> Arrays.fill(p, '\0'));
    }
    context.trustedCertificates("trust-certificates").ifPresent(ssl -> b.sslSocketFactory(ssl.getSocketFactory()));
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw context.problem(e.getMessage());
    }
  }

  private static EmailAlertChannel.Security security(ProviderContext context) {
    return context.enumValue("security", EmailAlertChannel.Security.class, EmailAlertChannel.Security.STARTTLS);
  }
}

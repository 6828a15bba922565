package dev.breakglass.core.alert.channel;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertChannelProvider;
import dev.breakglass.spi.ProviderContext;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Provider {@value WebhookAlertChannel#NAME}: a {@link WebhookAlertChannel}. Secrets are read with
 * {@link ProviderContext#secret}: from an environment variable ({@code KEY-env}) or a file
 * ({@code KEY-file}), never from the property itself.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code url}, or {@code url-env} / {@code url-file}</td><td>PagerDuty's endpoint for
 *       {@code format=pagerduty}, otherwise required</td><td>where to POST; use the secret forms for a
 *       Slack webhook URL, whose path is its credential</td></tr>
 *   <tr><td>{@code format}</td><td>{@code generic}</td><td>{@code generic}, {@code slack} or
 *       {@code pagerduty}</td></tr>
 *   <tr><td>{@code hmac-key-env} / {@code hmac-key-file}</td><td>none (unsigned)</td><td>HMAC-SHA256
 *       signing key, at least 32 bytes of UTF-8</td></tr>
 *   <tr><td>{@code routing-key-env} / {@code routing-key-file}</td><td>required for
 *       {@code pagerduty}</td><td>the PagerDuty integration key</td></tr>
 *   <tr><td>{@code source}</td><td>{@code breakglass}</td><td>PagerDuty {@code payload.source}</td></tr>
 *   <tr><td>{@code timeout}</td><td>{@code 10s}</td><td>bound on one request</td></tr>
 *   <tr><td>{@code connect-timeout}</td><td>{@code 5s}</td><td>bound on connecting</td></tr>
 *   <tr><td>{@code trust-certificates}</td><td>the JDK trust store</td><td>a PEM file of the
 *       certificates (or CAs) to trust for an {@code https} receiver instead</td></tr>
 *   <tr><td>{@code name}</td><td>{@code webhook}</td><td>channel name in messages</td></tr>
 * </table>
 */
public final class WebhookAlertChannelProvider implements AlertChannelProvider {
  @Override
  public String name() {
    return WebhookAlertChannel.NAME;
  }

  @Override
  public AlertChannel create(ProviderContext context) {
    WebhookAlertChannel.Format format =
        context.enumValue("format", WebhookAlertChannel.Format.class, WebhookAlertChannel.Format.GENERIC);
    URI url = url(context, format);
    WebhookAlertChannel.Builder b;
    try {
      b = WebhookAlertChannel.builder(url).format(format)
          .timeout(context.positiveDuration("timeout", Duration.ofSeconds(10)))
          .connectTimeout(context.positiveDuration("connect-timeout", Duration.ofSeconds(5)))
          .clock(context.clock());
      context.get("name").ifPresent(b::name);
      context.get("source").ifPresent(b::source);
      context.trustedCertificates("trust-certificates").ifPresent(b::sslContext);
    } catch (IllegalArgumentException e) {
      throw context.problem(e.getMessage());
    }
    Optional<char[]> hmac = context.secret("hmac-key");
    if (hmac.isPresent()) {
      byte[] key = ProviderSupport.utf8AndWipe(hmac.get());
      try {
        b.signingKey(key);
      } catch (IllegalArgumentException e) {
        throw context.problem("hmac-key", e.getMessage());
      } finally {
        Arrays.fill(key, (byte) 0);
      }
    }
    if (format == WebhookAlertChannel.Format.PAGERDUTY) {
      char[] routing = context.requireSecret("routing-key", "the PagerDuty routing key");
      try {
        b.pagerDutyRoutingKey(routing);
      } finally {
        Arrays.fill(routing, '\0');
      }
    }
    return b.build();
  }

  private static URI url(ProviderContext context, WebhookAlertChannel.Format format) {
    Optional<String> plain = context.get("url");
    String text;
    boolean secret = false;
    if (plain.isPresent()) {
      if (context.get("url-env").isPresent() || context.get("url-file").isPresent()) {
        throw context.problem("url", "set only one of '" + context.fullKey("url") + "' and its '-env'/'-file' forms");
      }
      text = plain.get();
    } else {
      Optional<char[]> fromSecret = context.secret("url");
      if (fromSecret.isEmpty()) {
        if (format == WebhookAlertChannel.Format.PAGERDUTY) {
          return WebhookAlertChannel.PAGERDUTY_EVENTS_URL;
        }
        throw new ProviderException(context.providerName(), "provider '" + context.providerName()
            + "' needs the property '" + context.fullKey("url") + "' (or its '-env' / '-file' form)");
      }
      text = new String(fromSecret.get()).strip();
      Arrays.fill(fromSecret.get(), '\0');
      secret = true;
    }
    try {
      URI uri = new URI(text);
      WebhookAlertChannel.builder(uri);
      return uri;
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      throw context.problem("url", (secret ? "the value from its secret source" : "'" + text + "'")
          + " is not an absolute http(s) URL");
    }
  }
}

package dev.breakglass.core.alert.channel;

import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertDeliveryException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Posts alerts as JSON over HTTP(S) with the JDK {@link HttpClient}, in one of three
 * {@linkplain Format shapes}: a generic JSON document, a Slack incoming-webhook message, or a
 * PagerDuty Events API v2 trigger event.
 *
 * <h2>What every request carries</h2>
 * <ul>
 *   <li>{@value #ALERT_ID_HEADER} and {@code Idempotency-Key}: the alert id, the same on every retry,
 *       so receivers can de-duplicate (PagerDuty gets it as {@code dedup_key}).
 *   <li>With a signing key: {@value #TIMESTAMP_HEADER} (Unix seconds) and
 *       {@value #SIGNATURE_HEADER} {@code v1=<hex HMAC-SHA256 of timestamp "." body>}; receivers check
 *       them with {@link WebhookSignatureVerifier}.
 * </ul>
 *
 * <h2>Outcomes</h2>
 * A 2xx answer is delivery. 408, 425, 429, 5xx, a timeout or a connection failure throw a retryable
 * {@link AlertDeliveryException}; any other answer (including redirects, which are never followed, so
 * a signed alert cannot be steered elsewhere) a non-retryable one. Messages name the scheme, host and
 * port only: a Slack webhook URL's path is itself a secret. Every request is bounded by the
 * {@linkplain Builder#timeout request timeout}.
 *
 * <p>Thread-safe. {@link #close()} wipes the signing key copy it holds.
 */
public final class WebhookAlertChannel implements AlertChannel {
  /** The provider and default channel name. */
  public static final String NAME = "webhook";
  /** Header with the Unix time (seconds) the request was signed at. */
  public static final String TIMESTAMP_HEADER = "X-Breakglass-Timestamp";
  /** Header with the signature, {@code v1=<hex>}. */
  public static final String SIGNATURE_HEADER = "X-Breakglass-Signature";
  /** Header with the alert id (the idempotency key). */
  public static final String ALERT_ID_HEADER = "X-Breakglass-Alert-Id";
  /** The PagerDuty Events API v2 endpoint, the default URL of {@link Format#PAGERDUTY}. */
  public static final URI PAGERDUTY_EVENTS_URL = URI.create("https://events.pagerduty.com/v2/enqueue");

  /** The body shape. */
  public enum Format {
    /** Every alert field as one JSON object (see the README for the schema). */
    GENERIC,
    /** A Slack incoming webhook: {@code {"text": ...}} in mrkdwn. */
    SLACK,
    /** PagerDuty Events API v2: a {@code trigger} event with {@code dedup_key} = alert id. */
    PAGERDUTY
  }

  private final String name;
  private final URI url;
  private final String target;
  private final Format format;
  private final @Nullable SecretKeySpec signingKey;
  private final byte @Nullable [] signingKeyBytes;
  private final char @Nullable [] routingKey;
  private final String source;
  private final Duration timeout;
  private final Clock clock;
  private final HttpClient client;

  private WebhookAlertChannel(Builder b) {
    this.name = b.name;
    this.url = b.url;
    this.target = b.url.getScheme() + "://" + b.url.getHost() + (b.url.getPort() < 0 ? "" : ":" + b.url.getPort());
    this.format = b.format;
    this.signingKeyBytes = b.signingKey == null ? null : b.signingKey.clone();
    this.signingKey = signingKeyBytes == null ? null : new SecretKeySpec(signingKeyBytes, WebhookSignature.ALGORITHM);
    this.routingKey = b.routingKey == null ? null : b.routingKey.clone();
    this.source = b.source;
    this.timeout = b.timeout;
    this.clock = b.clock;
    HttpClient.Builder hb = HttpClient.newBuilder()
        .connectTimeout(b.connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (b.sslContext != null) {
      hb.sslContext(b.sslContext);
    }
    this.client = hb.build();
  }

  /**
   * A builder posting to {@code url} ({@code http} or {@code https}). For {@link Format#PAGERDUTY}
   * use {@link #PAGERDUTY_EVENTS_URL} unless you relay through your own endpoint.
   */
  public static Builder builder(URI url) {
    return new Builder(url);
  }

  @Override
  public String name() {
    return name;
  }

  /** The body shape this channel sends. */
  public Format format() {
    return format;
  }

  @Override
  public void deliver(Alert hostile) {
    // header values must not hold control characters: the HTTP client would refuse them
    Alert alert = hostile.inert();
    byte[] body = body(alert);
    HttpRequest.Builder request = HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("User-Agent", "breakglass-webhook")
        .header(ALERT_ID_HEADER, alert.id())
        .header("Idempotency-Key", alert.id())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signingKey != null) {
      String timestamp = Long.toString(clock.instant().getEpochSecond());
      request.header(TIMESTAMP_HEADER, timestamp);
      request.header(SIGNATURE_HEADER, WebhookSignature.header(signingKey, timestamp, body));
    }
    HttpResponse<Void> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
    } catch (HttpConnectTimeoutException e) {
      throw new AlertDeliveryException("webhook " + target + ": connection timed out", true, e);
    } catch (HttpTimeoutException e) {
      throw new AlertDeliveryException("webhook " + target + ": no answer within " + timeout, true, e);
    } catch (ConnectException e) {
      throw new AlertDeliveryException("webhook " + target + ": cannot connect", true, e);
    } catch (IOException e) {
      throw new AlertDeliveryException("webhook " + target + ": " + e.getClass().getSimpleName(), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AlertDeliveryException("webhook " + target + ": interrupted", true, e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return;
    }
    boolean retryable = status == 408 || status == 425 || status == 429 || status >= 500;
    String hint = status >= 300 && status < 400 ? " (redirects are not followed)" : "";
    throw new AlertDeliveryException("webhook " + target + " answered HTTP " + status + hint, retryable);
  }

  byte[] body(Alert hostile) {
    Alert alert = hostile.inert();
    switch (format) {
      case SLACK:
        return WebhookPayloads.slack(alert);
      case PAGERDUTY:
        return WebhookPayloads.pagerDuty(alert, Objects.requireNonNull(routingKey, "routingKey"), source);
      default:
        return WebhookPayloads.generic(alert);
    }
  }

  @Override
  public void close() {
    if (signingKeyBytes != null) {
      Arrays.fill(signingKeyBytes, (byte) 0);
    }
    if (routingKey != null) {
      Arrays.fill(routingKey, '\0');
    }
  }

  @Override
  public String toString() {
    return "WebhookAlertChannel[" + name + ", " + format.name().toLowerCase(Locale.ROOT) + ", " + target
        + (signingKey != null ? ", signed" : "") + "]";
  }

  /** Configures a {@link WebhookAlertChannel}. Not thread-safe. */
  public static final class Builder {
    private final URI url;
    private String name = NAME;
    private Format format = Format.GENERIC;
    private byte @Nullable [] signingKey;
    private char @Nullable [] routingKey;
    private String source = "breakglass";
    private Duration timeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Clock clock = Clock.systemUTC();
    private @Nullable SSLContext sslContext;

    private Builder(URI url) {
      Objects.requireNonNull(url, "url");
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null) {
        throw new IllegalArgumentException("webhook URL must be an absolute http or https URL with a host, was "
            + (url.getScheme() == null ? "a relative URL" : "a '" + url.getScheme() + "' URL"));
      }
      this.url = url;
    }

    /** The channel name for messages and routing. Default {@value WebhookAlertChannel#NAME}. */
    public Builder name(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("webhook channel name must not be blank");
      }
      this.name = name;
      return this;
    }

    public Builder format(Format format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /**
     * Signs every request with this HMAC-SHA256 key (at least 32 bytes). The builder keeps a copy
     * until {@link #build()}, which takes its own; wipe your array afterwards.
     */
    public Builder signingKey(byte[] key) {
      Objects.requireNonNull(key, "key");
      if (key.length < WebhookSignature.MIN_KEY_BYTES) {
        throw new IllegalArgumentException("webhook signing key must be at least " + WebhookSignature.MIN_KEY_BYTES
            + " bytes, was " + key.length);
      }
      this.signingKey = key.clone();
      return this;
    }

    /** The PagerDuty integration (routing) key; required for {@link Format#PAGERDUTY}. Copied. */
    public Builder pagerDutyRoutingKey(char[] routingKey) {
      Objects.requireNonNull(routingKey, "routingKey");
      if (routingKey.length == 0) {
        throw new IllegalArgumentException("PagerDuty routing key must not be empty");
      }
      this.routingKey = routingKey.clone();
      return this;
    }

    /** PagerDuty {@code payload.source}: the affected system. Default {@code breakglass}. */
    public Builder source(String source) {
      if (source == null || source.isBlank()) {
        throw new IllegalArgumentException("PagerDuty source must not be blank");
      }
      this.source = source;
      return this;
    }

    /** Bound on one request, from sending to the response headers. Default 10 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive("timeout", timeout);
      return this;
    }

    /** Bound on opening the connection. Default 5 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive("connectTimeout", connectTimeout);
      return this;
    }

    /** The clock that stamps signatures. Default: UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** TLS settings (for example a private trust store). Default: the JDK's. */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * @throws IllegalStateException if {@link Format#PAGERDUTY} has no routing key
     */
    public WebhookAlertChannel build() {
      if (format == Format.PAGERDUTY && routingKey == null) {
        throw new IllegalStateException("a PagerDuty webhook needs a routing key (pagerDutyRoutingKey)");
      }
      WebhookAlertChannel channel = new WebhookAlertChannel(this);
      if (signingKey != null) {
        Arrays.fill(signingKey, (byte) 0);
        signingKey = null;
      }
      if (routingKey != null) {
        Arrays.fill(routingKey, '\0');
        routingKey = null;
      }
      return channel;
    }

    private static Duration positive(String what, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException("webhook " + what + " must be positive, was " + d);
      }
      return d;
    }
  }
}

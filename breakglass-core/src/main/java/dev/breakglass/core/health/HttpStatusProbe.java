package dev.breakglass.core.health;

import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.ProbeResult;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Checks that a URL answers a GET with a 2xx status within a timeout: for an identity provider's
 * (or an MFA service's) own health endpoint when it has no OpenID Connect discovery document.
 *
 * <pre>{@code
 * HealthProbe mfa = HttpStatusProbe.builder("https://mfa.example.com/health").build();
 * }</pre>
 *
 * <p>The URL may carry a token in its query; the query never appears in {@link #name()},
 * {@link #toString()} or any detail (they show {@code ?...}). URLs with user info are refused.
 * {@link #check()} never throws; every failure is an unhealthy result saying what was seen. The
 * timeout bounds the whole exchange. Redirects are followed, except from https to http.
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpStatusProbe implements HealthProbe {
  private final URI url;
  private final String shown;
  private final Duration timeout;
  private final HttpFetcher http;

  private HttpStatusProbe(Builder b) {
    this.url = b.url;
    this.shown = Texts.shown(b.url);
    this.timeout = b.timeout;
    this.http = new HttpFetcher(b.connectTimeout == null ? b.timeout : b.connectTimeout, b.timeout);
  }

  /**
   * A builder for a probe of {@code url}.
   *
   * @throws IllegalArgumentException if the URL is not an absolute http(s) URL with a host, or
   *     carries user info; the message does not repeat the URL
   */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  @Override
  public String name() {
    return "http:" + shown;
  }

  @Override
  public ProbeResult check() {
    long start = System.nanoTime();
    boolean healthy = false;
    String detail;
    try {
      int status = http.get(url, shown).status();
      healthy = status >= 200 && status < 300;
      detail = shown + " answered HTTP " + status;
    } catch (HttpFetcher.Failure f) {
      detail = f.getMessage();
    } catch (RuntimeException e) {
      // check() must not throw; the exception's message could echo the URL, so only its type is kept.
      detail = "probe of " + shown + " failed unexpectedly: " + e.getClass().getName();
    }
    return new ProbeResult(healthy, detail, Duration.ofNanos(System.nanoTime() - start));
  }

  @Override
  public String toString() {
    return "HttpStatusProbe[" + shown + ", timeout=" + HttpFetcher.format(timeout) + "]";
  }

  /** Configures an {@link HttpStatusProbe}. Not thread-safe; {@link #build()} copies. */
  public static final class Builder {
    private final URI url;
    private Duration timeout = OidcDiscoveryProbe.DEFAULT_TIMEOUT;
    private @Nullable Duration connectTimeout;

    private Builder(String url) {
      this.url = Texts.httpUrl("url", Objects.requireNonNull(url, "url"));
    }

    /**
     * Bound on the request as a whole: connect, headers and body. Default 1 second (a probe built from
     * properties takes {@code health.timeout} unless its own {@code timeout} is set).
     */
    public Builder timeout(Duration timeout) {
      this.timeout = OidcDiscoveryProbe.positive("timeout", timeout);
      return this;
    }

    /** Bound on establishing a connection. Default: the {@link #timeout(Duration) timeout}. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = OidcDiscoveryProbe.positive("connectTimeout", connectTimeout);
      return this;
    }

    public HttpStatusProbe build() {
      return new HttpStatusProbe(this);
    }
  }
}

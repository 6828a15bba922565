package dev.breakglass.core.health;

import dev.breakglass.core.text.SafeText;
import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.ProbeResult;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks an OpenID Connect provider the way a relying party depends on it: it fetches
 * {@code <issuer>/.well-known/openid-configuration} and, by default, the signing keys it points to.
 *
 * <pre>{@code
 * HealthProbe idp = OidcDiscoveryProbe.builder("https://login.example.com/realms/main")
 *     .timeout(Duration.ofSeconds(2))
 *     .build();
 * ProbeResult r = idp.check();   // healthy, or unhealthy with what was seen
 * }</pre>
 *
 * <p>Healthy only if all of these hold:
 *
 * <ul>
 *   <li>the discovery document answers HTTP 200 within the timeout and is a JSON object;
 *   <li>its {@code issuer} equals the configured issuer exactly (OpenID Connect Discovery 1.0, section
 *       4.3: a different value means a misrouted or spoofed document);
 *   <li>{@code jwks_uri}, {@code authorization_endpoint} and {@code token_endpoint} are present;
 *   <li>unless turned off with {@link Builder#checkJwks(boolean)}: {@code jwks_uri} answers HTTP 200
 *       within the timeout with a JSON key set holding at least one key (without keys no token can
 *       be verified, so sign-in is down even though the discovery document is up).
 * </ul>
 *
 * <p>{@link #check()} never throws: a refused connection, a timeout, a 5xx, a body that is not JSON
 * or a wrong issuer each give an unhealthy {@link ProbeResult} whose detail says what was seen. Each
 * request is bounded by the timeout as a whole (connect, headers and body), so one check takes at
 * most twice the timeout. Redirects are followed, except from https to http.
 *
 * <p>Use {@code https} issuers in production; {@code http} is accepted for tests and loopback
 * setups. Immutable and thread-safe; one instance may be checked from several threads at once.
 */
public final class OidcDiscoveryProbe implements HealthProbe {
  /** Appended to the issuer (without its trailing slash) to find the discovery document. */
  public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
  /** The fields a usable discovery document must contain, besides {@code issuer}. */
  static final List<String> REQUIRED_FIELDS = List.of("jwks_uri", "authorization_endpoint", "token_endpoint");
  /** Default bound on each request. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  private static final JsonMapper JSON = JsonMapper.shared();

  private final String issuer;
  private final URI discoveryUri;
  private final Duration timeout;
  private final boolean checkJwks;
  private final HttpFetcher http;

  private OidcDiscoveryProbe(Builder b) {
    this.issuer = b.issuer;
    this.discoveryUri = b.discoveryUri;
    this.timeout = b.timeout;
    this.checkJwks = b.checkJwks;
    this.http = new HttpFetcher(b.connectTimeout == null ? b.timeout : b.connectTimeout, b.timeout);
  }

  /**
   * A builder for a probe of {@code issuer}, the exact issuer identifier the provider announces (for
   * example {@code https://login.example.com} or {@code https://idp.example.com/realms/main}).
   *
   * @throws IllegalArgumentException if the issuer is not an absolute http(s) URL with a host and
   *     without query, fragment or user info (OpenID Connect Discovery 1.0, section 2)
   */
  public static Builder builder(String issuer) {
    return new Builder(issuer);
  }

  /** The configured issuer identifier. */
  public String issuer() {
    return issuer;
  }

  /** Where the discovery document is fetched from. */
  public URI discoveryUri() {
    return discoveryUri;
  }

  @Override
  public String name() {
    return "oidc:" + issuer;
  }

  @Override
  public ProbeResult check() {
    long start = System.nanoTime();
    Verdict verdict;
    try {
      verdict = evaluate();
    } catch (RuntimeException e) {
      // check() must not throw; report the kind of failure, never a message that might echo input.
      verdict = Verdict.bad("probe of " + issuer + " failed unexpectedly: " + e.getClass().getName());
    }
    Duration latency = Duration.ofNanos(System.nanoTime() - start);
    return new ProbeResult(verdict.healthy(), verdict.detail(), latency);
  }

  private record Verdict(boolean healthy, String detail) {
    static Verdict bad(String detail) {
      return new Verdict(false, detail);
    }
  }

  private Verdict evaluate() {
    String shownDiscovery = Texts.shown(discoveryUri);
    JsonNode document;
    try {
      document = fetchJson(discoveryUri, shownDiscovery, "discovery document");
    } catch (HttpFetcher.Failure f) {
      return Verdict.bad(f.getMessage());
    }
    JsonNode announced = document.get("issuer");
    if (announced == null || !announced.isString()) {
      return Verdict.bad("discovery document at " + shownDiscovery + " has no issuer");
    }
    if (!issuer.equals(announced.asString())) {
      return Verdict.bad("discovery document at " + shownDiscovery + " names issuer '"
          + SafeText.printable(announced.asString(), 200) + "', expected '" + issuer + "'");
    }
    for (String field : REQUIRED_FIELDS) {
      JsonNode value = document.get(field);
      if (value == null || !value.isString() || value.asString().isBlank()) {
        return Verdict.bad("discovery document at " + shownDiscovery + " has no " + field);
      }
    }
    if (!checkJwks) {
      return new Verdict(true, "discovery document of " + issuer + " is valid (keys not checked)");
    }
    URI jwksUri;
    try {
      jwksUri = Texts.httpUrl("its jwks_uri", document.get("jwks_uri").asString());
    } catch (IllegalArgumentException e) {
      return Verdict.bad("discovery document at " + shownDiscovery + ": " + e.getMessage());
    }
    String shownJwks = Texts.shown(jwksUri);
    JsonNode keySet;
    try {
      keySet = fetchJson(jwksUri, shownJwks, "key set");
    } catch (HttpFetcher.Failure f) {
      return Verdict.bad(f.getMessage());
    }
    JsonNode keys = keySet.get("keys");
    if (keys == null || !keys.isArray()) {
      return Verdict.bad("key set at " + shownJwks + " has no keys array");
    }
    int usable = 0;
    for (JsonNode key : keys.values()) {
      JsonNode kty = key.get("kty");
      if (key.isObject() && kty != null && kty.isString() && !kty.asString().isBlank()) {
        usable++;
      }
    }
    if (usable == 0) {
      return Verdict.bad("key set at " + shownJwks + " holds no keys");
    }
    return new Verdict(true, "discovery document of " + issuer + " is valid; key set holds " + usable
        + (usable == 1 ? " key" : " keys"));
  }

  private JsonNode fetchJson(URI uri, String shown, String what) throws HttpFetcher.Failure {
    HttpFetcher.Response response = http.get(uri, shown);
    if (response.status() != 200) {
      throw new HttpFetcher.Failure(what + " at " + shown + " answered HTTP " + response.status());
    }
    JsonNode node;
    try {
      node = JSON.readTree(response.body());
    } catch (JacksonException e) {
      throw new HttpFetcher.Failure(what + " at " + shown + " is not JSON ("
          + SafeText.printable(firstLine(e.getOriginalMessage()), 120) + ")");
    }
    if (node == null || !node.isObject()) {
      throw new HttpFetcher.Failure(what + " at " + shown + " is not a JSON object");
    }
    return node;
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  @Override
  public String toString() {
    return "OidcDiscoveryProbe[" + issuer + ", timeout=" + HttpFetcher.format(timeout) + ", checkJwks=" + checkJwks
        + "]";
  }

  /** Configures an {@link OidcDiscoveryProbe}. Not thread-safe; {@link #build()} copies. */
  public static final class Builder {
    private final String issuer;
    private final URI discoveryUri;
    private Duration timeout = DEFAULT_TIMEOUT;
    private @Nullable Duration connectTimeout;
    private boolean checkJwks = true;

    private Builder(String issuer) {
      Objects.requireNonNull(issuer, "issuer");
      URI uri = Texts.httpUrl("issuer", issuer);
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new IllegalArgumentException("issuer must not have a query or fragment");
      }
      this.issuer = issuer.strip();
      String base = this.issuer.endsWith("/") ? this.issuer.substring(0, this.issuer.length() - 1) : this.issuer;
      this.discoveryUri = URI.create(base + DISCOVERY_PATH);
    }

    /**
     * Bound on each request as a whole: connect, headers and body. Default 1 second (a probe built from
     * properties takes {@code health.timeout} unless its own {@code timeout} is set).
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive("timeout", timeout);
      return this;
    }

    /** Bound on establishing a connection. Default: the {@link #timeout(Duration) timeout}. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive("connectTimeout", connectTimeout);
      return this;
    }

    /** Whether to fetch {@code jwks_uri} and require at least one key. Default true. */
    public Builder checkJwks(boolean checkJwks) {
      this.checkJwks = checkJwks;
      return this;
    }

    public OidcDiscoveryProbe build() {
      return new OidcDiscoveryProbe(this);
    }
  }

  static Duration positive(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive, was " + d);
    }
    return d;
  }
}

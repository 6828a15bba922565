package dev.breakglass.spring.boot;

import dev.breakglass.spring.security.BreakGlassAuthenticationProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * The {@code breakglass.*} properties of the Spring Boot starter.
 *
 * <pre>{@code
 * breakglass:
 *   policy: classpath:breakglass-policy.yaml
 *   data-directory: /var/lib/myapp/breakglass
 *   health: {interval: 1s, timeout: 1s, fall: 3, rise: 2}   # the defaults
 *   security.authority: ROLE_BREAK_GLASS
 *   console:                         # the approval console at https://ops.example.com/breakglass
 *     enabled: true
 *     rp-id: ops.example.com
 *     origins: https://ops.example.com
 *   properties:                      # handed to the engine builder as they are
 *     probes: http
 *     probe.http.url: https://login.example.com/health
 *     vault.file.passphrase-env: BREAKGLASS_VAULT_PASSPHRASE
 * }</pre>
 */
@ConfigurationProperties("breakglass")
public class BreakGlassProperties {
  /** Whether to build the BreakGlass engine and wire it into the application. */
  private boolean enabled = true;
  /** The policy file (YAML or JSON): a file path, or a resource such as classpath:breakglass-policy.yaml. */
  private @Nullable Resource policy;
  /** Where the engine keeps its audit log, keys, vault and alert outbox. */
  private @Nullable Path dataDirectory;
  /** How often the expiry sweep runs (0 turns the scheduled sweep off). */
  private Duration sweepInterval = Duration.ofSeconds(1);
  /**
   * Engine configuration properties, passed to the builder as they are: provider selection (vault,
   * grant-store, probes, rotators, alert.channels) and provider settings (probe.http.url,
   * vault.file.passphrase-env, alert.channel.pager.provider, ...).
   */
  private Map<String, String> properties = new LinkedHashMap<>();
  private final Health health = new Health();
  private final Security security = new Security();
  private final Console console = new Console();

  /**
   * Checks the values, naming the full property key of the first bad one.
   *
   * @throws IllegalArgumentException if a value is out of range
   */
  public void validate() {
    positive("breakglass.health.interval", health.interval);
    positive("breakglass.health.timeout", health.timeout);
    positive("breakglass.health.passive-window", health.passiveWindow);
    atLeastOne("breakglass.health.fall", health.fall);
    atLeastOne("breakglass.health.rise", health.rise);
    atLeastOne("breakglass.health.passive-fall", health.passiveFall);
    if (sweepInterval.isNegative()) {
      throw new IllegalArgumentException("breakglass.sweep-interval must not be negative (0 turns the scheduled"
          + " sweep off), was " + sweepInterval);
    }
    if (console.enabled) {
      if (console.rpId == null || console.rpId.isBlank()) {
        throw new IllegalArgumentException("breakglass.console.rp-id must be set when breakglass.console.enabled is"
            + " true: the console's host name, for example ops.example.com");
      }
      if (console.origins.isEmpty()) {
        throw new IllegalArgumentException("breakglass.console.origins must name at least one origin when"
            + " breakglass.console.enabled is true, for example https://" + console.rpId);
      }
      if (!console.path.startsWith("/") || console.path.endsWith("/") || console.path.contains("*")) {
        throw new IllegalArgumentException("breakglass.console.path must start with '/' and name a path without a"
            + " trailing '/' or wildcard, for example /breakglass; was '" + console.path + "'");
      }
      positive("breakglass.console.idle-timeout", console.idleTimeout);
    }
    if (security.authority.isBlank()) {
      throw new IllegalArgumentException("breakglass.security.authority must not be blank: name the authority of"
          + " emergency sign-ins, for example ROLE_BREAK_GLASS");
    }
  }

  private static void positive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be a positive duration (for example 1s or 500ms), was " + value);
    }
  }

  private static void atLeastOne(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, was " + value);
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable Resource getPolicy() {
    return policy;
  }

  public void setPolicy(@Nullable Resource policy) {
    this.policy = policy;
  }

  public @Nullable Path getDataDirectory() {
    return dataDirectory;
  }

  public void setDataDirectory(@Nullable Path dataDirectory) {
    this.dataDirectory = dataDirectory;
  }

  public Duration getSweepInterval() {
    return sweepInterval;
  }

  public void setSweepInterval(Duration sweepInterval) {
    this.sweepInterval = sweepInterval;
  }

  public Map<String, String> getProperties() {
    return properties;
  }

  public void setProperties(Map<String, String> properties) {
    this.properties = properties;
  }

  public Health getHealth() {
    return health;
  }

  public Security getSecurity() {
    return security;
  }

  public Console getConsole() {
    return console;
  }

  /**
   * How the health of the primary identity provider is watched. The defaults detect an outage in
   * at most 6 s with probes alone, and as soon as three logins have failed with passive signals.
   */
  public static class Health {
    /** Time between two rounds of health probes. */
    private Duration interval = Duration.ofSeconds(1);
    /** Timeout of each probe built from breakglass.properties (probe.<name>.timeout overrides it). */
    private Duration timeout = Duration.ofSeconds(1);
    /** Consecutive failed probe rounds that open the emergency. */
    private int fall = 3;
    /** Consecutive good probe rounds before the primary counts as healthy again. */
    private int rise = 2;
    /**
     * Consecutive infrastructure failures of the primary (timeouts, refused connections) seen by
     * the guard that open the emergency without waiting for a probe round.
     */
    private int passiveFall = 3;
    /** How close together the passive failures must be. */
    private Duration passiveWindow = Duration.ofSeconds(10);

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public int getFall() {
      return fall;
    }

    public void setFall(int fall) {
      this.fall = fall;
    }

    public int getRise() {
      return rise;
    }

    public void setRise(int rise) {
      this.rise = rise;
    }

    public int getPassiveFall() {
      return passiveFall;
    }

    public void setPassiveFall(int passiveFall) {
      this.passiveFall = passiveFall;
    }

    public Duration getPassiveWindow() {
      return passiveWindow;
    }

    public void setPassiveWindow(Duration passiveWindow) {
      this.passiveWindow = passiveWindow;
    }
  }

  /** The Spring Security integration. */
  public static class Security {
    /** Whether break-glass accounts sign in through the application's own login (form, HTTP basic). */
    private boolean enabled = true;
    /** The authority of an emergency sign-in; restrict what such sessions may do with it. */
    private String authority = BreakGlassAuthenticationProvider.DEFAULT_AUTHORITY;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getAuthority() {
      return authority;
    }

    public void setAuthority(String authority) {
      this.authority = authority;
    }
  }

  /**
   * The approval console ({@code breakglass-console} on the class path): requesters file requests,
   * custodians approve or deny with their security keys, also while the identity provider is down.
   */
  public static class Console {
    /** Whether to mount the approval console in the application's servlet container. */
    private boolean enabled = false;
    /** Where the console is mounted. */
    private String path = "/breakglass";
    /** The WebAuthn relying-party id: the host name browsers reach the console at, or a registrable suffix of it. */
    private @Nullable String rpId;
    /** The origins browsers reach the console at, exactly as they send them, e.g. https://ops.example.com. */
    private List<String> origins = new ArrayList<>();
    /** Whether security keys must verify the user (PIN or biometrics), not only their presence. */
    private boolean userVerification = true;
    /** When an unused console session ends. */
    private Duration idleTimeout = Duration.ofMinutes(15);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public @Nullable String getRpId() {
      return rpId;
    }

    public void setRpId(@Nullable String rpId) {
      this.rpId = rpId;
    }

    public List<String> getOrigins() {
      return origins;
    }

    public void setOrigins(List<String> origins) {
      this.origins = origins;
    }

    public boolean isUserVerification() {
      return userVerification;
    }

    public void setUserVerification(boolean userVerification) {
      this.userVerification = userVerification;
    }

    public Duration getIdleTimeout() {
      return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
    }
  }
}

package dev.breakglass.spring.boot;

import dev.breakglass.spring.security.BreakGlassAuthenticationProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 *   health: {interval: 2s, fall: 3, rise: 2}
 *   security.authority: ROLE_BREAK_GLASS
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
  /** How often the expiry sweep runs. */
  private Duration sweepInterval = Duration.ofSeconds(1);
  /**
   * Engine configuration properties, passed to the builder as they are: provider selection (vault,
   * grant-store, probes, rotators, alert.channels) and provider settings (probe.http.url,
   * vault.file.passphrase-env, alert.channel.pager.provider, ...).
   */
  private Map<String, String> properties = new LinkedHashMap<>();
  private final Health health = new Health();
  private final Security security = new Security();

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

  /** How the health of the primary identity provider is watched. */
  public static class Health {
    /** How often the health probes run. */
    private Duration interval = Duration.ofSeconds(5);
    /** Consecutive failed probe rounds before the emergency opens. */
    private int fall = 3;
    /** Consecutive good probe rounds before the primary counts as healthy again. */
    private int rise = 2;

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
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
}

package dev.breakglass.console;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link BreakGlassConsole} is set up: the WebAuthn relying party (RP id and the origins
 * browsers reach the console at), whether security keys must verify the user (PIN or biometrics),
 * how the host's normal authentication names the user (used while the identity provider is healthy,
 * to register keys), and the idle timeout of console sessions.
 *
 * <pre>{@code
 * ConsoleSettings settings = ConsoleSettings.builder("ops.example.com")
 *     .origin("https://ops.example.com")
 *     .hostUser(HttpServletRequest::getRemoteUser)    // the default
 *     .build();
 * }</pre>
 *
 * @param rpId the relying-party id: the console's host name or a registrable suffix of it
 * @param origins the console's origins exactly as browsers send them
 * @param userVerification whether the authenticator must verify the user, not only their presence
 * @param hostUser the user the host's normal authentication signed in, or null (IdP down, or nobody)
 * @param idleTimeout when an unused console session ends
 * @param clock the clock for statements and time left
 */
public record ConsoleSettings(String rpId, Set<String> origins, boolean userVerification,
    Function<HttpServletRequest, @Nullable String> hostUser, Duration idleTimeout, Clock clock) {

  public ConsoleSettings {
    Objects.requireNonNull(rpId, "rpId");
    origins = Set.copyOf(origins);
    if (origins.isEmpty()) {
      throw new IllegalArgumentException("origins: at least one origin such as https://" + rpId + " is required");
    }
    Objects.requireNonNull(hostUser, "hostUser");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(clock, "clock");
  }

  /** Settings for the RP id {@code rpId}; add at least one origin. */
  public static Builder builder(String rpId) {
    return new Builder(rpId);
  }

  /** Builds {@link ConsoleSettings}. */
  public static final class Builder {
    private final String rpId;
    private final Set<String> origins = new LinkedHashSet<>();
    private boolean userVerification = true;
    private Function<HttpServletRequest, @Nullable String> hostUser = HttpServletRequest::getRemoteUser;
    private Duration idleTimeout = Duration.ofMinutes(15);
    private Clock clock = Clock.systemUTC();

    private Builder(String rpId) {
      this.rpId = rpId;
    }

    /** An origin browsers reach the console at, e.g. {@code https://ops.example.com}. */
    public Builder origin(String origin) {
      origins.add(origin.strip().replaceAll("/+$", ""));
      return this;
    }

    /** Whether keys must verify the user with a PIN or biometrics (default true). */
    public Builder userVerification(boolean required) {
      this.userVerification = required;
      return this;
    }

    /** How the host's normal authentication names the user (default {@code getRemoteUser()}). */
    public Builder hostUser(Function<HttpServletRequest, @Nullable String> hostUser) {
      this.hostUser = Objects.requireNonNull(hostUser, "hostUser");
      return this;
    }

    /** When an unused console session ends (default 15 minutes). */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
      return this;
    }

    /** The clock (default UTC system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public ConsoleSettings build() {
      return new ConsoleSettings(rpId, origins, userVerification, hostUser, idleTimeout, clock);
    }
  }
}

package dev.breakglass.spring.security;

import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassException;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.LoginAttempt;
import dev.breakglass.ReasonCode;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.util.ClassUtils;

/**
 * The break-glass guard as a Spring Security {@link AuthenticationProvider}: it wraps the provider
 * that signs in the application's normal users (for example a {@code DaoAuthenticationProvider}) and
 * sends username/password sign-ins (form login, HTTP basic) through {@link BreakGlass#guard}.
 *
 * <ul>
 *   <li>Normal users while the primary is healthy: passed straight to the wrapped provider after one
 *       volatile read and one map lookup; nothing is allocated on that path.
 *   <li>A break-glass account outside an emergency: refused with
 *       {@link BreakGlassAuthenticationException} ({@link ReasonCode#NOT_IN_EMERGENCY}); the engine
 *       audits it and raises a critical alert.
 *   <li>A break-glass account during an emergency, with the credential released for its active grant:
 *       a {@link BreakGlassAuthenticationToken} with the configured authority
 *       ({@code ROLE_BREAK_GLASS} by default).
 *   <li>A failure of the wrapped provider ({@link AuthenticationServiceException}, for example its user
 *       store timing out) goes through the guard, so the engine sees it, and is rethrown unchanged.
 * </ul>
 *
 * <pre>{@code
 * DaoAuthenticationProvider users = new DaoAuthenticationProvider(userDetailsService);
 * AuthenticationManager manager = new ProviderManager(
 *     new BreakGlassAuthenticationProvider(breakGlass, users, "ROLE_BREAK_GLASS"));
 * }</pre>
 *
 * <p>The Spring Boot starter builds one from the application's {@code UserDetailsService} when the
 * application defines no {@code AuthenticationProvider} of its own. Thread-safe.
 */
public final class BreakGlassAuthenticationProvider implements AuthenticationProvider {
  /** The authority an emergency sign-in carries unless configured otherwise. */
  public static final String DEFAULT_AUTHORITY = "ROLE_BREAK_GLASS";

  private static final boolean WEB_PRESENT = ClassUtils.isPresent(
      "org.springframework.security.web.authentication.WebAuthenticationDetails",
      BreakGlassAuthenticationProvider.class.getClassLoader());

  private final BreakGlass breakGlass;
  private final AuthenticationProvider primary;
  private final String authority;
  /** The break-glass account names, copied once: the policy of an engine does not change. */
  private final Set<String> accounts;

  /**
   * @param breakGlass the engine
   * @param primary the provider for the application's normal users
   * @param authority the authority of emergency sign-ins, for example {@code ROLE_BREAK_GLASS}
   * @throws IllegalArgumentException if {@code authority} is blank
   */
  public BreakGlassAuthenticationProvider(BreakGlass breakGlass, AuthenticationProvider primary, String authority) {
    this.breakGlass = Objects.requireNonNull(breakGlass, "breakGlass");
    this.primary = Objects.requireNonNull(primary, "primary");
    if (authority == null || authority.isBlank()) {
      throw new IllegalArgumentException("authority must not be blank, was '" + authority + "'");
    }
    this.authority = authority;
    this.accounts = new HashSet<>(breakGlass.policy().accounts().keySet());
  }

  /** The authority emergency sign-ins carry. */
  public String authority() {
    return authority;
  }

  @Override
  public @Nullable Authentication authenticate(Authentication authentication) {
    if (!breakGlass.emergencyState().isEmergency() && !accounts.contains(usernameOf(authentication))) {
      try {
        return primary.authenticate(authentication);
      } catch (AuthenticationServiceException failure) {
        throw replayThroughGuard(authentication, failure);
      }
    }
    return throughGuard(authentication);
  }

  /**
   * Form login and HTTP basic put the username in as a String. {@code Authentication.getName()} would
   * answer the same, but it first tests the principal against three interfaces, which costs the JDK
   * 17 type check tens of nanoseconds on every healthy sign-in.
   */
  private static String usernameOf(Authentication authentication) {
    return authentication.getPrincipal() instanceof String name ? name : authentication.getName();
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }

  private Authentication throughGuard(Authentication authentication) {
    PrimaryCall call = new PrimaryCall(primary, authentication);
    LoginAttempt attempt = attemptOf(authentication);
    try {
      AuthenticatedPrincipal who = breakGlass.guard(call).authenticate(attempt);
      EmergencyAccessGrant grant = who.grant();
      if (grant != null) {
        BreakGlassAuthenticationToken token = BreakGlassAuthenticationToken.of(who.name(), grant, authority);
        token.setDetails(authentication.getDetails());
        return token;
      }
      Authentication result = call.result;
      if (result == null) {
        throw new AuthenticationServiceException("the guard accepted '" + who.name()
            + "' without the primary provider or a grant");
      }
      return result;
    } catch (AuthenticationFailedException e) {
      AuthenticationException rejection = call.rejection;
      if (rejection != null && e == call.translated) {
        throw rejection;
      }
      throw translate(e);
    } catch (BreakGlassException e) {
      throw translate(e);
    } finally {
      attempt.wipe();
    }
  }

  /**
   * The wrapped provider failed on the fast path; the guard gets to see that failure (it may count
   * it as a sign of an outage) without calling the provider a second time.
   */
  private RuntimeException replayThroughGuard(Authentication authentication, AuthenticationServiceException failure) {
    LoginAttempt attempt = attemptOf(authentication);
    try {
      breakGlass.guard(a -> {
        throw failure;
      }).authenticate(attempt);
      return failure;
    } catch (BreakGlassException e) {
      return translate(e);
    } catch (RuntimeException e) {
      return e;
    } finally {
      attempt.wipe();
    }
  }

  private static AuthenticationException translate(BreakGlassException e) {
    ReasonCode code = e.code();
    if (code == ReasonCode.AUDIT_UNAVAILABLE || code == ReasonCode.STATE_UNAVAILABLE
        || code == ReasonCode.PROVIDER_FAILURE || code == ReasonCode.VAULT_UNAVAILABLE || code == ReasonCode.CLOSED) {
      return new AuthenticationServiceException(e.getMessage(), e);
    }
    return new BreakGlassAuthenticationException(e);
  }

  private static LoginAttempt attemptOf(Authentication authentication) {
    Object credentials = authentication.getCredentials();
    char[] secret = credentials == null ? new char[0] : credentials.toString().toCharArray();
    return LoginAttempt.of(usernameOf(authentication), secret, clientAddress(authentication));
  }

  private static @Nullable String clientAddress(Authentication authentication) {
    return WEB_PRESENT ? WebDetails.remoteAddress(authentication.getDetails()) : null;
  }

  /** Kept apart so the class loads without spring-security-web. */
  private static final class WebDetails {
    static @Nullable String remoteAddress(@Nullable Object details) {
      return details instanceof org.springframework.security.web.authentication.WebAuthenticationDetails web
          ? web.getRemoteAddress() : null;
    }
  }

  /** The wrapped provider in the guard's shape; remembers its Spring result or rejection. */
  private static final class PrimaryCall implements Authenticator {
    private final AuthenticationProvider primary;
    private final Authentication authentication;
    @Nullable Authentication result;
    @Nullable AuthenticationException rejection;
    @Nullable AuthenticationFailedException translated;

    PrimaryCall(AuthenticationProvider primary, Authentication authentication) {
      this.primary = primary;
      this.authentication = authentication;
    }

    @Override
    public AuthenticatedPrincipal authenticate(LoginAttempt attempt) {
      Authentication r;
      try {
        r = primary.authenticate(authentication);
      } catch (AuthenticationServiceException failure) {
        throw failure;
      } catch (AuthenticationException rejected) {
        return reject(rejected);
      }
      if (r == null) {
        return reject(new BadCredentialsException("no provider signed in '" + authentication.getName() + "'"));
      }
      result = r;
      return AuthenticatedPrincipal.of(r.getName());
    }

    private AuthenticatedPrincipal reject(AuthenticationException rejected) {
      rejection = rejected;
      AuthenticationFailedException e = new AuthenticationFailedException(ReasonCode.INVALID_CREDENTIALS,
          "the primary provider rejected the sign-in");
      translated = e;
      throw e;
    }
  }
}

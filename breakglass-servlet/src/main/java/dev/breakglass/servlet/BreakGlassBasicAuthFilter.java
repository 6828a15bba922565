package dev.breakglass.servlet;

import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlassException;
import dev.breakglass.LoginAttempt;
import dev.breakglass.PrimaryUnavailableException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Signs requests in with HTTP basic through the break-glass guard, for applications without Spring.
 *
 * <pre>{@code
 * Authenticator login = breakGlass.guard(myDirectoryAuthenticator);
 * context.addFilter(new FilterHolder(BreakGlassBasicAuthFilter.builder(login).realm("ops").build()), "/*",
 *     EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 *
 * <p>A request whose credentials the guard accepts goes on with {@link HttpServletRequest#getUserPrincipal()}
 * and {@link HttpServletRequest#getRemoteUser()} set, and the guard's {@link AuthenticatedPrincipal} in
 * the request attribute {@link #PRINCIPAL_ATTRIBUTE}. A principal that came through the break-glass path
 * (an active grant during an emergency) is in the role {@link Builder#emergencyRole} ({@code BREAK_GLASS}
 * by default) and in no other, so {@code isUserInRole} restricts what it may do; normal users' roles come
 * from {@link Builder#roles}.
 *
 * <p>Answers: 401 with a {@code WWW-Authenticate: Basic} challenge when credentials are missing (unless
 * {@link Builder#optional}) or refused, including a break-glass account used outside an emergency (the
 * engine has raised the critical alert by then); 503 when the identity provider or the audit log is
 * unavailable. The response never says why a sign-in was refused. The secret is decoded into a
 * {@code char[]} and wiped after the call. Thread-safe.
 */
public final class BreakGlassBasicAuthFilter implements Filter {
  /** The request attribute holding the {@link AuthenticatedPrincipal} of a signed-in request. */
  public static final String PRINCIPAL_ATTRIBUTE = AuthenticatedPrincipal.class.getName();

  private final Authenticator guard;
  private final String challenge;
  private final String emergencyRole;
  private final RoleMapper roles;
  private final boolean optional;

  private BreakGlassBasicAuthFilter(Builder b) {
    this.guard = b.guard;
    this.challenge = "Basic realm=\"" + b.realm + "\", charset=\"UTF-8\"";
    this.emergencyRole = b.emergencyRole;
    this.roles = b.roles;
    this.optional = b.optional;
  }

  /**
   * A builder for a filter over {@code guard}, usually {@code breakGlass.guard(primaryAuthenticator)}.
   */
  public static Builder builder(Authenticator guard) {
    return new Builder(guard);
  }

  /** The roles of a normal (not emergency) principal, for {@code isUserInRole}. */
  @FunctionalInterface
  public interface RoleMapper {
    /** No roles for anyone. */
    RoleMapper NONE = (principal, role) -> false;

    boolean isInRole(AuthenticatedPrincipal principal, String role);
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      if (optional) {
        chain.doFilter(req, res);
      } else {
        challenge(response);
      }
      return;
    }
    LoginAttempt attempt = decode(header.substring(6).trim(), request.getRemoteAddr());
    if (attempt == null) {
      challenge(response);
      return;
    }
    AuthenticatedPrincipal who;
    try {
      who = guard.authenticate(attempt);
    } catch (AuthenticationFailedException refused) {
      challenge(response);
      return;
    } catch (PrimaryUnavailableException unavailable) {
      response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "sign-in is unavailable; try again later");
      return;
    } catch (BreakGlassException other) {
      if (other.code() == dev.breakglass.ReasonCode.AUDIT_UNAVAILABLE
          || other.code() == dev.breakglass.ReasonCode.STATE_UNAVAILABLE
          || other.code() == dev.breakglass.ReasonCode.PROVIDER_FAILURE
          || other.code() == dev.breakglass.ReasonCode.CLOSED) {
        response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "sign-in is unavailable; try again later");
      } else {
        challenge(response);
      }
      return;
    } finally {
      attempt.wipe();
    }
    request.setAttribute(PRINCIPAL_ATTRIBUTE, who);
    chain.doFilter(new SignedInRequest(request, who), res);
  }

  private void challenge(HttpServletResponse response) throws IOException {
    response.setHeader("WWW-Authenticate", challenge);
    response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
  }

  /** {@code user:secret} from the header's Base64, the secret as chars only; null if malformed. */
  static @Nullable LoginAttempt decode(String base64, @Nullable String clientAddress) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException malformed) {
      return null;
    }
    CharBuffer chars = null;
    try {
      chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw));
      int colon = -1;
      for (int i = chars.position(); i < chars.limit(); i++) {
        if (chars.get(i) == ':') {
          colon = i;
          break;
        }
      }
      if (colon <= chars.position()) {
        return null;
      }
      String user = chars.subSequence(0, colon - chars.position()).toString();
      if (user.isBlank()) {
        return null;
      }
      char[] secret = new char[chars.limit() - colon - 1];
      for (int i = 0; i < secret.length; i++) {
        secret[i] = chars.get(colon + 1 + i);
      }
      return LoginAttempt.of(user, secret, clientAddress);
    } catch (CharacterCodingException | IllegalArgumentException malformed) {
      return null;
    } finally {
      Arrays.fill(raw, (byte) 0);
      if (chars != null && chars.hasArray()) {
        Arrays.fill(chars.array(), '\0');
      }
    }
  }

  /** The request as seen by the application once signed in. */
  private final class SignedInRequest extends HttpServletRequestWrapper {
    private final AuthenticatedPrincipal who;
    private final Principal principal;

    SignedInRequest(HttpServletRequest request, AuthenticatedPrincipal who) {
      super(request);
      this.who = who;
      this.principal = who::name;
    }

    @Override
    public Principal getUserPrincipal() {
      return principal;
    }

    @Override
    public String getRemoteUser() {
      return who.name();
    }

    @Override
    public String getAuthType() {
      return HttpServletRequest.BASIC_AUTH;
    }

    @Override
    public boolean isUserInRole(String role) {
      if (who.isEmergencyAccess()) {
        return emergencyRole.equals(role);
      }
      return roles.isInRole(who, role);
    }
  }

  /** Configures a {@link BreakGlassBasicAuthFilter}; the built filter copies the settings. */
  public static final class Builder {
    private final Authenticator guard;
    private String realm = "breakglass";
    private String emergencyRole = "BREAK_GLASS";
    private RoleMapper roles = RoleMapper.NONE;
    private boolean optional;

    private Builder(Authenticator guard) {
      this.guard = Objects.requireNonNull(guard, "guard");
    }

    /** The realm named in the challenge (default {@code breakglass}); no quotes or control characters. */
    public Builder realm(String realm) {
      Objects.requireNonNull(realm, "realm");
      if (realm.isEmpty() || realm.chars().anyMatch(c -> c == '"' || c == '\\' || Character.isISOControl(c))) {
        throw new IllegalArgumentException("realm must be non-empty, without quotes, backslashes or control"
            + " characters, was '" + realm.replaceAll("\\p{Cntrl}", "?") + "'");
      }
      this.realm = realm;
      return this;
    }

    /** The only role an emergency principal is in (default {@code BREAK_GLASS}). */
    public Builder emergencyRole(String role) {
      Objects.requireNonNull(role, "role");
      if (role.isBlank()) {
        throw new IllegalArgumentException("emergencyRole must not be blank");
      }
      this.emergencyRole = role;
      return this;
    }

    /** The roles of normal principals (default: none). */
    public Builder roles(RoleMapper roles) {
      this.roles = Objects.requireNonNull(roles, "roles");
      return this;
    }

    /** Lets requests without an {@code Authorization} header through, unauthenticated (default: challenge them). */
    public Builder optional(boolean optional) {
      this.optional = optional;
      return this;
    }

    public BreakGlassBasicAuthFilter build() {
      return new BreakGlassBasicAuthFilter(this);
    }
  }
}

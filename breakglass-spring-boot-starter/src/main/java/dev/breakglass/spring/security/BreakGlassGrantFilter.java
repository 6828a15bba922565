package dev.breakglass.spring.security;

import dev.breakglass.BreakGlass;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends an emergency session as soon as its grant ends: nothing outlives its grant, not even an HTTP
 * session that signed in through it. On every request made with a {@link BreakGlassAuthenticationToken}
 * it asks the engine whether the grant is still {@link GrantStatus#ACTIVE}; if not (expired, revoked,
 * closed, or the emergency ended), the security context is cleared and the session invalidated, so
 * the request goes on as anonymous and the application's usual entry point (a login page, a 401) applies.
 *
 * <p>Requests of normal users pay one {@code instanceof}. The starter adds this filter to every
 * {@code SecurityFilterChain} through a {@code Customizer<HttpSecurity>} bean; without the starter add
 * it after {@code SecurityContextHolderFilter}.
 */
public final class BreakGlassGrantFilter extends OncePerRequestFilter {
  private static final Logger LOG = LoggerFactory.getLogger(BreakGlassGrantFilter.class);

  private final BreakGlass breakGlass;
  private SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

  public BreakGlassGrantFilter(BreakGlass breakGlass) {
    this.breakGlass = Objects.requireNonNull(breakGlass, "breakGlass");
  }

  /** The strategy the application's security configuration uses, if not the default. */
  public void setSecurityContextHolderStrategy(SecurityContextHolderStrategy strategy) {
    this.contexts = Objects.requireNonNull(strategy, "strategy");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication authentication = contexts.getContext().getAuthentication();
    if (authentication instanceof BreakGlassAuthenticationToken token && !stillActive(token)) {
      LOG.info("emergency session of {} (grant {}, requested by {}) ended with its grant", token.getName(),
          token.grantId(), token.requester());
      contexts.clearContext();
      HttpSession session = request.getSession(false);
      if (session != null) {
        session.invalidate();
      }
    }
    chain.doFilter(request, response);
  }

  private boolean stillActive(BreakGlassAuthenticationToken token) {
    return breakGlass.grant(token.grantId()).map(EmergencyAccessGrant::status)
        .filter(s -> s == GrantStatus.ACTIVE).isPresent();
  }
}

package dev.breakglass.spring.security;

import dev.breakglass.EmergencyAccessGrant;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A sign-in through the break-glass path: the principal is the break-glass account, the authority is
 * the one configured for emergency access ({@code ROLE_BREAK_GLASS} by default), and the token names
 * the grant behind it and the person who requested it. Restrict what emergency sessions may do with
 * that authority, and label them with {@link #requester()}.
 *
 * <p>The token holds no credential and no live engine object, so it is serializable with the HTTP
 * session; {@link BreakGlassGrantFilter} ends the session when the grant ends.
 */
public final class BreakGlassAuthenticationToken extends AbstractAuthenticationToken {
  private static final long serialVersionUID = 1L;

  private final String account;
  private final String grantId;
  private final String requester;
  private final @Nullable Instant expiresAt;

  /**
   * @param account the break-glass account signed in
   * @param grant the active grant behind the sign-in
   * @param authorities what the application grants emergency sessions
   */
  public BreakGlassAuthenticationToken(String account, EmergencyAccessGrant grant,
      Collection<? extends GrantedAuthority> authorities) {
    super(authorities);
    this.account = Objects.requireNonNull(account, "account");
    this.grantId = grant.id();
    this.requester = grant.requester();
    this.expiresAt = grant.expiresAt().orElse(null);
    super.setAuthenticated(true);
  }

  /** A token with the single authority {@code authority}. */
  static BreakGlassAuthenticationToken of(String account, EmergencyAccessGrant grant, String authority) {
    return new BreakGlassAuthenticationToken(account, grant, List.of(new SimpleGrantedAuthority(authority)));
  }

  /** The break-glass account. */
  @Override
  public Object getPrincipal() {
    return account;
  }

  @Override
  public String getName() {
    return account;
  }

  /** Always {@code null}: the released credential is never kept. */
  @Override
  public @Nullable Object getCredentials() {
    return null;
  }

  /** The grant behind this sign-in. */
  public String grantId() {
    return grantId;
  }

  /** Who requested the grant: the person actually at the keyboard. */
  public String requester() {
    return requester;
  }

  /** When the grant ends at the latest, if it has an expiry. */
  public @Nullable Instant expiresAt() {
    return expiresAt;
  }

  /** Always true: this token only comes from the break-glass path. */
  public boolean isEmergencyAccess() {
    return true;
  }

  @Override
  public void setAuthenticated(boolean authenticated) {
    if (authenticated) {
      throw new IllegalArgumentException("a break-glass token is authenticated only by the break-glass provider");
    }
    super.setAuthenticated(false);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof BreakGlassAuthenticationToken t && super.equals(o) && grantId.equals(t.grantId);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + grantId.hashCode();
  }

  @Override
  public String toString() {
    return "BreakGlassAuthenticationToken[account=" + account + ", grant=" + grantId + ", requester=" + requester
        + ", authorities=" + getAuthorities() + "]";
  }
}

package dev.breakglass;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who an {@link Authenticator} authenticated. A principal produced by the break-glass path is
 * marked {@link #isEmergencyAccess()} and carries its grant, so the host can restrict, label and
 * log what it does.
 */
public final class AuthenticatedPrincipal {
  private final String name;
  private final @Nullable EmergencyAccessGrant grant;

  private AuthenticatedPrincipal(String name, @Nullable EmergencyAccessGrant grant) {
    this.name = Objects.requireNonNull(name, "name");
    this.grant = grant;
  }

  /**
   * A principal authenticated by the primary identity provider. A host's own
   * {@link Authenticator} returns one of these.
   *
   * @param name the authenticated user name
   * @return a normal (non-emergency) principal
   */
  public static AuthenticatedPrincipal of(String name) {
    return new AuthenticatedPrincipal(name, null);
  }

  /**
   * A principal authenticated through an emergency-access grant; the guard returns these.
   *
   * @param name the break-glass account name
   * @param grant the active grant that allowed the login
   * @return an emergency principal
   * @throws NullPointerException if {@code grant} is null
   */
  public static AuthenticatedPrincipal emergency(String name, EmergencyAccessGrant grant) {
    return new AuthenticatedPrincipal(name, Objects.requireNonNull(grant, "grant"));
  }

  /**
   * The authenticated name.
   *
   * @return the user name, or the break-glass account name for an emergency principal
   */
  public String name() {
    return name;
  }

  /**
   * Whether this principal came through the break-glass path. Hosts check this to restrict, label
   * and log what the session may do.
   *
   * @return {@code true} for an emergency principal
   */
  public boolean isEmergencyAccess() {
    return grant != null;
  }

  /**
   * The grant behind an emergency principal.
   *
   * @return the grant, or {@code null} for a normal principal
   */
  public @Nullable EmergencyAccessGrant grant() {
    return grant;
  }

  @Override
  public String toString() {
    return grant == null
        ? "AuthenticatedPrincipal[" + name + "]"
        : "AuthenticatedPrincipal[" + name + ", emergency grant " + grant.id() + " for " + grant.requester() + "]";
  }
}

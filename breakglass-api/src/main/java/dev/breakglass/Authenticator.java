package dev.breakglass;

/**
 * The host's authentication step, in the small shape breakglass wraps with
 * {@link BreakGlass#guard(Authenticator)}.
 *
 * <p>An implementation returns the authenticated principal, throws
 * {@link AuthenticationFailedException} for a plain rejection (wrong password, unknown user), and
 * throws {@link PrimaryUnavailableException} (or lets a timeout or connection failure escape) when
 * the identity provider itself cannot answer. The guard treats only the latter as a reason to
 * consider the emergency path.
 */
@FunctionalInterface
public interface Authenticator {
  /**
   * Authenticates one login attempt.
   *
   * <pre>{@code
   * Authenticator primary = attempt -> {
   *   if (!idp.verify(attempt.username(), attempt.secret())) {
   *     throw new AuthenticationFailedException("wrong username or password");
   *   }
   *   return AuthenticatedPrincipal.of(attempt.username());
   * };
   * }</pre>
   *
   * @param attempt the username and secret presented
   * @return who was authenticated
   * @throws AuthenticationFailedException if the credentials are rejected
   * @throws PrimaryUnavailableException if the identity provider cannot be reached
   */
  AuthenticatedPrincipal authenticate(LoginAttempt attempt);
}

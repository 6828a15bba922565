package dev.breakglass;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A username and secret presented for authentication. The secret is a {@code char[]} the caller
 * owns and should wipe after the call ({@link #wipe()}); it never appears in {@link #toString()}.
 *
 * <p>The user name and the client address follow the {@link FreeText} rule (no control, bidi or
 * invisible characters; at most {@value FreeText#MAX_USERNAME} and
 * {@value FreeText#MAX_CLIENT_ADDRESS} characters); surrounding whitespace is stripped. A violation
 * is an {@link InvalidRequestException} naming the field, thrown before the guard sees the attempt.
 * The guard throttles refused break-glass logins per account and per client address (attempts
 * without an address share one budget), so give the address where the host knows it.
 */
public final class LoginAttempt {
  private final String username;
  private final char[] secret;
  private final @Nullable String clientAddress;

  private LoginAttempt(String username, char[] secret, @Nullable String clientAddress) {
    this.username = FreeText.require("username", username, FreeText.MAX_USERNAME);
    this.secret = Objects.requireNonNull(secret, "secret");
    this.clientAddress = FreeText.check("clientAddress", clientAddress, FreeText.MAX_CLIENT_ADDRESS);
  }

  /**
   * A login attempt without a known client address.
   *
   * @param username the name presented
   * @param secret the secret presented; not copied, so wipe it (or call {@link #wipe()}) after the call
   * @return the attempt
   * @throws InvalidRequestException if {@code username} is blank or malformed
   */
  public static LoginAttempt of(String username, char[] secret) {
    return new LoginAttempt(username, secret, null);
  }

  /**
   * A login attempt from a known network address, which is recorded (as a fingerprint) in the audit trail.
   *
   * @param username the name presented
   * @param secret the secret presented; not copied, so wipe it (or call {@link #wipe()}) after the call
   * @param clientAddress the client's address, or {@code null} if unknown
   * @return the attempt
   * @throws InvalidRequestException if {@code username} is blank or malformed
   */
  public static LoginAttempt of(String username, char[] secret, @Nullable String clientAddress) {
    return new LoginAttempt(username, secret, clientAddress);
  }

  /**
   * The name presented.
   *
   * @return the stripped user name
   */
  public String username() {
    return username;
  }

  /**
   * The secret itself, not a copy.
   *
   * @return the secret characters; zeros after {@link #wipe()}
   */
  public char[] secret() {
    return secret;
  }

  /**
   * The client's network address, if known.
   *
   * @return the address, or {@code null}
   */
  public @Nullable String clientAddress() {
    return clientAddress;
  }

  /** Overwrites the secret with zeros. */
  public void wipe() {
    Arrays.fill(secret, '\0');
  }

  @Override
  public String toString() {
    return "LoginAttempt[username=" + username + ", secret=<redacted>]";
  }
}

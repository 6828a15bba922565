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

  public static LoginAttempt of(String username, char[] secret) {
    return new LoginAttempt(username, secret, null);
  }

  public static LoginAttempt of(String username, char[] secret, @Nullable String clientAddress) {
    return new LoginAttempt(username, secret, clientAddress);
  }

  public String username() {
    return username;
  }

  /** The secret itself, not a copy. */
  public char[] secret() {
    return secret;
  }

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

package dev.breakglass;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A username and secret presented for authentication. The secret is a {@code char[]} the caller
 * owns and should wipe after the call ({@link #wipe()}); it never appears in {@link #toString()}.
 */
public final class LoginAttempt {
  private final String username;
  private final char[] secret;
  private final @Nullable String clientAddress;

  private LoginAttempt(String username, char[] secret, @Nullable String clientAddress) {
    this.username = AccessRequest.requireText("username", username);
    this.secret = Objects.requireNonNull(secret, "secret");
    this.clientAddress = clientAddress;
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

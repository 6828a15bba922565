package dev.breakglass;

import java.util.Arrays;
import java.util.Objects;

/**
 * Secret material for one account, held in a {@code char[]} that {@link #close()} wipes.
 *
 * <p>Use it in a try-with-resources block and copy the value nowhere that cannot be wiped:
 *
 * <pre>{@code
 * try (Credential credential = grant.releaseCredential()) {
 *   connect(credential.account(), credential.secret());
 * }
 * }</pre>
 *
 * <p>{@link #toString()} never shows the secret. Not thread-safe.
 */
public final class Credential implements AutoCloseable {
  private final String account;
  private final char[] secret;
  private volatile boolean wiped;

  /**
   * Takes ownership of {@code secret}: the caller must not keep or wipe its own reference.
   * Providers that decrypt into a fresh array use this.
   *
   * @param account the account this credential unlocks
   * @param secret the secret; wiped by {@link #close()}
   * @return the credential
   * @throws NullPointerException if either argument is null
   */
  public static Credential wrap(String account, char[] secret) {
    return new Credential(account, secret);
  }

  /**
   * Copies {@code secret}; the caller stays responsible for wiping its own array.
   *
   * @param account the account this credential unlocks
   * @param secret the secret to copy
   * @return the credential, holding its own copy
   * @throws NullPointerException if either argument is null
   */
  public static Credential copyOf(String account, char[] secret) {
    return new Credential(account, secret.clone());
  }

  private Credential(String account, char[] secret) {
    this.account = Objects.requireNonNull(account, "account");
    this.secret = Objects.requireNonNull(secret, "secret");
  }

  /**
   * The account this credential unlocks.
   *
   * @return the account name
   */
  public String account() {
    return account;
  }

  /**
   * The secret itself, not a copy: valid until {@link #close()}. Do not keep it beyond the
   * try-with-resources block.
   *
   * @return the secret characters
   * @throws IllegalStateException if the credential has been closed
   */
  public char[] secret() {
    if (wiped) {
      throw new IllegalStateException("credential for '" + account + "' has been wiped");
    }
    return secret;
  }

  /**
   * Whether {@link #close()} has wiped the secret.
   *
   * @return {@code true} after {@link #close()}
   */
  public boolean isWiped() {
    return wiped;
  }

  /** Overwrites the secret with zeros. Idempotent. */
  @Override
  public void close() {
    wiped = true;
    Arrays.fill(secret, '\0');
  }

  @Override
  public String toString() {
    return "Credential[account=" + account + ", secret=<redacted>]";
  }
}

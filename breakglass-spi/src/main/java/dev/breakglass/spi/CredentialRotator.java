package dev.breakglass.spi;

/**
 * Replaces a break-glass account's credential after its grant ends: at the target system (a
 * database role, a directory account) and in the vault. Until it succeeds the account is tainted
 * and gets no new grant. Prove an implementation with {@code CredentialRotatorContract}.
 */
public interface CredentialRotator extends AutoCloseable {
  /**
   * A short name for messages.
   *
   * @return the rotator's name, for example {@code postgresql}
   */
  String name();

  /**
   * Whether this rotator handles {@code account}. The engine uses the first configured rotator
   * that supports an account, for both {@link #rotate} and {@link #verify}.
   *
   * @param account a break-glass account name
   * @return {@code true} if {@link #rotate} can replace its credential
   */
  boolean supports(String account);

  /**
   * Sets a fresh credential for {@code account} at its target and stores it in {@code vault}.
   * After a normal return the old credential no longer works; after an exception the account must
   * be treated as not rotated.
   *
   * @param account the account to rotate; {@link #supports} answered {@code true} for it
   * @param vault where the new credential is stored ({@link CredentialVault#write})
   * @throws dev.breakglass.BreakGlassException if rotation failed
   */
  void rotate(String account, CredentialVault vault);

  /**
   * Checks that the vault's current credential still works at the target, where the rotator can
   * tell. Drills call this. The default says nothing can be checked.
   *
   * @param account the account to check
   * @param vault where its current credential is read from
   * @return {@code true} if it works, {@code false} if it does not
   * @throws UnsupportedOperationException if this rotator cannot check
   */
  default boolean verify(String account, CredentialVault vault) {
    throw new UnsupportedOperationException(name() + " cannot verify credentials at their target");
  }

  /** Releases the rotator's resources (connections). The default does nothing. */
  @Override
  default void close() {}
}

package dev.breakglass.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The stored state of one break-glass account, versioned like {@link GrantRecord}.
 *
 * @param account the account name
 * @param holder the pending or active grant that holds the account, if any
 * @param tainted whether a grant has ended and the credential has not been rotated since
 * @param taintedBy the grant whose end tainted the account, if tainted
 * @param version optimistic-concurrency version, starting at 0
 */
public record AccountState(String account, @Nullable String holder, boolean tainted, @Nullable String taintedBy,
    long version) {

  /**
   * Checks the required components.
   *
   * @param account the account name
   * @param holder the grant holding the account, or {@code null}
   * @param tainted whether the credential needs rotation
   * @param taintedBy the grant that tainted it, or {@code null}
   * @param version optimistic-concurrency version
   * @throws NullPointerException if {@code account} is null
   */
  public AccountState {
    Objects.requireNonNull(account, "account");
  }

  /**
   * The state of an account never seen before.
   *
   * @param account the account name
   * @return an unheld, untainted state at version 0
   */
  public static AccountState initial(String account) {
    return new AccountState(account, null, false, null, 0);
  }

  /**
   * The next version, held by {@code grantId} (or released, if {@code null}).
   *
   * @param grantId the pending or active grant now holding the account, or {@code null} for none
   * @return the next version
   */
  public AccountState heldBy(@Nullable String grantId) {
    return new AccountState(account, grantId, tainted, taintedBy, version + 1);
  }

  /**
   * Released by its holder and tainted by it, in one step.
   *
   * @param grantId the grant that ended
   * @return the next version, unheld and tainted
   */
  public AccountState releasedAndTainted(String grantId) {
    return new AccountState(account, null, true, grantId, version + 1);
  }

  /**
   * The next version after the credential was rotated: no longer tainted.
   *
   * @return the next version
   */
  public AccountState rotated() {
    return new AccountState(account, holder, false, null, version + 1);
  }
}

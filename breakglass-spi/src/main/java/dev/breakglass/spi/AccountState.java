package dev.breakglass.spi;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The stored state of one break-glass account, versioned like {@link GrantRecord}: who holds it, whether
 * it is tainted (a grant ended and its credential has not been rotated since), and, while it is tainted,
 * the retry schedule of its rotation. Immutable; every transition method returns the next version.
 *
 * <pre>{@code
 * AccountState s = store.account("prod-db-admin");
 * if (s.holder() == null && !s.tainted() && store.replaceAccount(s, s.heldBy(grantId))) {
 *   // grantId now holds the account
 * }
 * }</pre>
 *
 * @param account the account name
 * @param holder the pending or active grant that holds the account, if any
 * @param tainted whether a grant has ended and the credential has not been rotated since
 * @param taintedBy the grant whose end tainted the account, if tainted
 * @param rotationAttempts failed rotation attempts since the account was tainted (0 before the first)
 * @param nextRotationAt when the next rotation may be tried after a failure; {@code null} means now
 * @param version optimistic-concurrency version, starting at 0
 */
public record AccountState(String account, @Nullable String holder, boolean tainted, @Nullable String taintedBy,
    int rotationAttempts, @Nullable Instant nextRotationAt, long version) {

  /**
   * Checks the fields: an account name is required and attempts are never negative.
   *
   * @param account the account name
   * @param holder the grant holding the account, or {@code null}
   * @param tainted whether the credential needs rotation
   * @param taintedBy the grant that tainted it, or {@code null}
   * @param rotationAttempts failed rotation attempts since the taint, never negative
   * @param nextRotationAt when the next rotation may be tried, or {@code null} for now
   * @param version optimistic-concurrency version
   * @throws IllegalArgumentException if {@code rotationAttempts} is negative
   */
  public AccountState {
    Objects.requireNonNull(account, "account");
    if (rotationAttempts < 0) {
      throw new IllegalArgumentException("rotationAttempts must not be negative, was " + rotationAttempts);
    }
  }

  /**
   * A state without a rotation retry schedule (no failed attempt yet).
   *
   * @param account the account name
   * @param holder the grant that holds the account, if any
   * @param tainted whether the account is tainted
   * @param taintedBy the grant that tainted it, if tainted
   * @param version the version
   */
  public AccountState(String account, @Nullable String holder, boolean tainted, @Nullable String taintedBy,
      long version) {
    this(account, holder, tainted, taintedBy, 0, null, version);
  }

  /**
   * The state of an account never seen before: free, clean, version 0.
   *
   * @param account the account name
   * @return an unheld, untainted state at version 0
   */
  public static AccountState initial(String account) {
    return new AccountState(account, null, false, null, 0, null, 0);
  }

  /**
   * The next version, held by {@code grantId} (or released, if {@code null}).
   *
   * @param grantId the pending or active grant now holding the account, or {@code null} for none
   * @return the next version
   */
  public AccountState heldBy(@Nullable String grantId) {
    return new AccountState(account, grantId, tainted, taintedBy, rotationAttempts, nextRotationAt, version + 1);
  }

  /**
   * The next version, released by its holder and tainted by {@code grantId} in one step; rotation is due at once.
   *
   * @param grantId the grant that ended
   * @return the next version, unheld and tainted, with no retry scheduled
   */
  public AccountState releasedAndTainted(String grantId) {
    return new AccountState(account, null, true, grantId, 0, null, version + 1);
  }

  /**
   * The next version after a successful rotation: clean, with no retry schedule.
   *
   * @return the next version, clean
   */
  public AccountState rotated() {
    return new AccountState(account, holder, false, null, 0, null, version + 1);
  }

  /**
   * The next version after a failed rotation: one more attempt counted, the next one not before
   * {@code nextAttempt}. The account stays tainted.
    *
    * @param nextAttempt the earliest time of the next attempt
    * @return the next version, still tainted
   */
  public AccountState rotationFailed(Instant nextAttempt) {
    Objects.requireNonNull(nextAttempt, "nextAttempt");
    return new AccountState(account, holder, tainted, taintedBy, rotationAttempts + 1, nextAttempt, version + 1);
  }

  /**
   * Whether a rotation should be tried at {@code now}: tainted, held by nobody, and not waiting for a retry.
   *
   * @param now the current time
   * @return whether a rotation should be tried now
   */
  public boolean rotationDue(Instant now) {
    return tainted && holder == null && (nextRotationAt == null || !now.isBefore(nextRotationAt));
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantStore;
import java.time.Instant;
import java.util.function.IntFunction;

/**
 * Who holds each break-glass account and whether it is tainted, kept in the {@link GrantStore} by
 * compare-and-set: at most one grant holds an account; an issued grant that ends taints it until
 * its credential is rotated; failed rotations and the time of the next attempt are kept with the taint. Thread-safe (the store arbitrates between threads and nodes).
 */
final class AccountLedger {
  private final GrantStore store;

  AccountLedger(GrantStore store) {
    this.store = store;
  }

  AccountState state(String account) {
    return store.account(account);
  }

  /** Makes {@code grantId} the holder, unless the account is held or tainted. */
  boolean reserve(String account, String grantId) {
    while (true) {
      AccountState s = store.account(account);
      if (s.holder() != null || s.tainted()) {
        return false;
      }
      if (store.replaceAccount(s, s.heldBy(grantId))) {
        return true;
      }
    }
  }

  /** Frees the account if {@code grantId} holds it; no credential left the vault, so no taint. */
  void release(String account, String grantId) {
    while (true) {
      AccountState s = store.account(account);
      if (!grantId.equals(s.holder())) {
        return;
      }
      if (store.replaceAccount(s, s.heldBy(null))) {
        return;
      }
    }
  }

  /** Frees the account and taints it: its credential left the vault under {@code grantId}. */
  void releaseAndTaint(String account, String grantId) {
    while (true) {
      AccountState s = store.account(account);
      if (store.replaceAccount(s, s.releasedAndTainted(grantId))) {
        return;
      }
    }
  }

  /**
   * Counts a failed rotation of a tainted account and schedules the next attempt, both kept in the store
   * so that a restart neither forgets the failures nor retries at once.
   *
   * @param nextAttempt the time of the next attempt, given the number of failed attempts so far (1 after the first)
   * @return the state stored (the current one, unchanged, if the account is clean)
   */
  AccountState rotationFailed(String account, IntFunction<Instant> nextAttempt) {
    while (true) {
      AccountState s = store.account(account);
      if (!s.tainted()) {
        return s;
      }
      AccountState next = s.rotationFailed(nextAttempt.apply(s.rotationAttempts() + 1));
      if (store.replaceAccount(s, next)) {
        return next;
      }
    }
  }

  /** Clears the taint and the retry schedule after a successful rotation (nothing to do if it is already clean). */
  void rotated(String account) {
    while (true) {
      AccountState current = store.account(account);
      if (!current.tainted() || store.replaceAccount(current, current.rotated())) {
        return;
      }
    }
  }
}

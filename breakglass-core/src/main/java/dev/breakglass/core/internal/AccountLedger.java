package dev.breakglass.core.internal;

import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantStore;

/**
 * Who holds each break-glass account and whether it is tainted, kept in the {@link GrantStore} by
 * compare-and-set: at most one grant holds an account; an issued grant that ends taints it until
 * its credential is rotated. Thread-safe (the store arbitrates between threads and nodes).
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

  /** Clears the taint after a successful rotation (nothing to do if it is already clean). */
  void rotated(String account) {
    while (true) {
      AccountState current = store.account(account);
      if (!current.tainted() || store.replaceAccount(current, current.rotated())) {
        return;
      }
    }
  }
}

package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import org.junit.jupiter.api.Test;

/**
 * {@link AccountLedger} retries a compare-and-set it lost (another instance sharing the store changed
 * the account in between) instead of giving up with the account still held or tainted.
 */
class AccountLedgerRetryTest {
  /** A shared store where the next account update loses its race once, as under a concurrent writer. */
  static final class ContendedStore extends ForwardingGrantStore {
    int lostRaces;

    @Override
    public boolean replaceAccount(AccountState expected, AccountState updated) {
      if (lostRaces > 0) {
        lostRaces--;
        return false;
      }
      return delegate.replaceAccount(expected, updated);
    }
  }

  private final ContendedStore store = new ContendedStore();
  private final AccountLedger ledger = new AccountLedger(store);

  @Test
  void release_retriesALostUpdate() {
    assertThat(ledger.reserve("db", "g1")).isTrue();
    store.lostRaces = 1;

    ledger.release("db", "g1");

    assertThat(ledger.state("db").holder()).isNull();
    assertThat(store.lostRaces).isZero();
  }

  @Test
  void rotated_retriesALostUpdate() {
    assertThat(ledger.reserve("db", "g1")).isTrue();
    ledger.releaseAndTaint("db", "g1");
    store.lostRaces = 1;

    ledger.rotated("db");

    assertThat(ledger.state("db").tainted()).isFalse();
    assertThat(store.lostRaces).isZero();
  }
}

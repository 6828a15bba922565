package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.EngineRecord;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.IncidentState;
import dev.breakglass.spi.ThrottleState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link AccountLedger} retries a compare-and-set it lost (another instance sharing the store changed
 * the account in between) instead of giving up with the account still held or tainted.
 */
class AccountLedgerRetryTest {
  /** A shared store where the next account update loses its race once, as under a concurrent writer. */
  static final class ContendedStore implements GrantStore {
    final InMemoryGrantStore delegate = new InMemoryGrantStore();
    int lostRaces;

    @Override
    public void insert(GrantRecord grant) {
      delegate.insert(grant);
    }

    @Override
    public Optional<GrantRecord> find(String grantId) {
      return delegate.find(grantId);
    }

    @Override
    public boolean replace(GrantRecord expected, GrantRecord updated) {
      return delegate.replace(expected, updated);
    }

    @Override
    public List<GrantRecord> findByStatus(Set<GrantStatus> statuses) {
      return delegate.findByStatus(statuses);
    }

    @Override
    public AccountState account(String account) {
      return delegate.account(account);
    }

    @Override
    public boolean replaceAccount(AccountState expected, AccountState updated) {
      if (lostRaces > 0) {
        lostRaces--;
        return false;
      }
      return delegate.replaceAccount(expected, updated);
    }

    @Override
    public IncidentState incident() {
      return delegate.incident();
    }

    @Override
    public boolean replaceIncident(IncidentState expected, IncidentState updated) {
      return delegate.replaceIncident(expected, updated);
    }

    @Override
    public ThrottleState throttle(String key) {
      return delegate.throttle(key);
    }

    @Override
    public boolean replaceThrottle(ThrottleState expected, ThrottleState updated) {
      return delegate.replaceThrottle(expected, updated);
    }

    @Override
    public int purgeThrottles(Instant now) {
      return delegate.purgeThrottles(now);
    }

    @Override
    public EngineRecord engine(String nodeId) {
      return delegate.engine(nodeId);
    }

    @Override
    public boolean replaceEngine(EngineRecord expected, EngineRecord updated) {
      return delegate.replaceEngine(expected, updated);
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

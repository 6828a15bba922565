package dev.breakglass.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ApprovalRecord;
import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link GrantStore}. Extend it, implement {@link #createStore()} to return an
 * empty store, and every rule below runs against your implementation.
 *
 * <pre>{@code
 * class MyGrantStoreTest extends GrantStoreContract {
 *   @Override protected GrantStore createStore() { return new MyGrantStore(freshDatabase()); }
 * }
 * }</pre>
 */
public abstract class GrantStoreContract {
  /** A new, empty store. Closed after each test. */
  protected abstract GrantStore createStore();

  protected GrantStore store;

  @BeforeEach
  void openStore() {
    store = createStore();
  }

  @AfterEach
  void closeStore() throws Exception {
    store.close();
  }

  protected static GrantRecord pending(String account) {
    return new GrantRecord("g-" + UUID.randomUUID(), "alice", account, "outage", "INC-1", Duration.ofMinutes(30),
        "digest", Instant.parse("2026-01-01T00:00:00Z"), 2, List.of(), GrantStatus.PENDING_APPROVAL, null, null,
        null, false, 0);
  }

  @Nested
  class Grants {
    @Test
    void insertThenFindReturnsTheSameRecord() {
      GrantRecord g = pending("db");
      store.insert(g);
      assertThat(store.find(g.id())).contains(g);
    }

    @Test
    void findUnknownIsEmpty() {
      assertThat(store.find("nope")).isEmpty();
    }

    @Test
    void insertTwiceFails() {
      GrantRecord g = pending("db");
      store.insert(g);
      assertThatThrownBy(() -> store.insert(g)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void replaceWithNextVersionSucceeds() {
      GrantRecord g = pending("db");
      store.insert(g);
      GrantRecord next = g.withApproval(new ApprovalRecord("carol", Instant.parse("2026-01-01T00:01:00Z")));
      assertThat(store.replace(g, next)).isTrue();
      assertThat(store.find(g.id())).contains(next);
    }

    @Test
    void replaceOverStaleVersionFails() {
      GrantRecord g = pending("db");
      store.insert(g);
      GrantRecord first = g.withApproval(new ApprovalRecord("carol", Instant.parse("2026-01-01T00:01:00Z")));
      GrantRecord second = g.withApproval(new ApprovalRecord("dave", Instant.parse("2026-01-01T00:02:00Z")));
      assertThat(store.replace(g, first)).isTrue();
      assertThat(store.replace(g, second)).isFalse();
      assertThat(store.find(g.id())).contains(first);
    }

    @Test
    void replaceSkippingAVersionFails() {
      GrantRecord g = pending("db");
      store.insert(g);
      GrantRecord skipped = g.withCredentialReleased(false).withCredentialReleased(true);
      assertThat(store.replace(g, skipped)).isFalse();
      assertThat(store.find(g.id())).contains(g);
    }

    @Test
    void findByStatusFiltersAndOrdersByRequestTime() {
      GrantRecord a = pending("db");
      GrantRecord b = pending("web");
      store.insert(a);
      store.insert(b);
      GrantRecord issued = b.issued(Instant.parse("2026-01-01T00:05:00Z"));
      assertThat(store.replace(b, issued)).isTrue();
      assertThat(store.findByStatus(EnumSet.of(GrantStatus.ACTIVE))).containsExactly(issued);
      assertThat(store.findByStatus(EnumSet.of(GrantStatus.PENDING_APPROVAL))).containsExactly(a);
      assertThat(store.findByStatus(EnumSet.of(GrantStatus.REVOKED))).isEmpty();
    }

    @Test
    void concurrentReplacesOfOneVersionHaveExactlyOneWinner() throws Exception {
      GrantRecord g = pending("db");
      store.insert(g);
      int threads = 32;
      CyclicBarrier barrier = new CyclicBarrier(threads);
      AtomicInteger wins = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          String custodian = "c" + i;
          futures.add(pool.submit(() -> {
            barrier.await();
            if (store.replace(g, g.withApproval(new ApprovalRecord(custodian, Instant.EPOCH)))) {
              wins.incrementAndGet();
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(wins).hasValue(1);
      assertThat(store.find(g.id()).orElseThrow().approvals()).hasSize(1);
      assertThat(store.find(g.id()).orElseThrow().version()).isEqualTo(1);
    }
  }

  @Nested
  class Accounts {
    @Test
    void unknownAccountHasInitialState() {
      assertThat(store.account("db")).isEqualTo(AccountState.initial("db"));
    }

    @Test
    void replaceAccountFromInitialThenAgain() {
      AccountState initial = store.account("db");
      AccountState held = initial.heldBy("g-1");
      assertThat(store.replaceAccount(initial, held)).isTrue();
      assertThat(store.account("db")).isEqualTo(held);
      AccountState tainted = held.releasedAndTainted("g-1");
      assertThat(store.replaceAccount(held, tainted)).isTrue();
      assertThat(store.account("db").tainted()).isTrue();
      assertThat(store.account("db").holder()).isNull();
    }

    @Test
    void staleAccountReplaceFails() {
      AccountState initial = store.account("db");
      assertThat(store.replaceAccount(initial, initial.heldBy("g-1"))).isTrue();
      assertThat(store.replaceAccount(initial, initial.heldBy("g-2"))).isFalse();
      assertThat(store.account("db").holder()).isEqualTo("g-1");
    }

    @Test
    void concurrentReservationsOfOneAccountHaveExactlyOneWinner() throws Exception {
      int threads = 32;
      CyclicBarrier barrier = new CyclicBarrier(threads);
      AtomicInteger wins = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          String grant = "g-" + i;
          futures.add(pool.submit(() -> {
            barrier.await();
            AccountState s = store.account("db");
            if (s.holder() == null && store.replaceAccount(s, s.heldBy(grant))) {
              wins.incrementAndGet();
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(wins).hasValue(1);
      assertThat(store.account("db").holder()).isNotNull();
    }
  }
}

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
import org.junit.jupiter.api.Assumptions;
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
 *   @Override protected GrantStore reopenStore() { return null; } // or: a new store over the same data
 * }
 * }</pre>
 *
 * <p>The {@link Durability} rules close the store and open it again with {@link #reopenStore()}:
 * everything acknowledged before the close must be there, versions included, and compare-and-set
 * must continue from them. A store that keeps nothing across a close (an in-memory store) opts out
 * explicitly by returning {@code null}; the durability rules are then skipped, not passed.
 */
public abstract class GrantStoreContract {
  /**
   * A new, empty store. Closed after each test.
   *
   * @return the store under test
   */
  protected abstract GrantStore createStore();

  /**
   * A store over the same storage as the last {@link #createStore()} (or {@code reopenStore()}), called
   * after that store was closed; {@code null} if the store keeps nothing across a close.
   *
   * @return the reopened store, or {@code null} to skip the durability rules
   */
  protected abstract GrantStore reopenStore();

  /** The store of the running test, from {@link #createStore()}; rules may replace it with {@link #reopenStore()}. */
  protected GrantStore store;

  @BeforeEach
  void openStore() {
    store = createStore();
  }

  @AfterEach
  void closeStore() throws Exception {
    store.close();
  }

  /**
   * A new pending grant for {@code account} at version 0, with a random id, requiring two approvals.
   *
   * @param account the account the grant is for
   * @return a record ready for {@link GrantStore#insert}
   */
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

  /** Close and reopen keeps everything that was acknowledged. */
  @Nested
  class Durability {
    private GrantStore reopen() throws Exception {
      store.close();
      GrantStore reopened = reopenStore();
      Assumptions.assumeTrue(reopened != null, "the store declares itself not durable");
      store = reopened;
      return reopened;
    }

    @Test
    void grantsWithApprovalsReleasesAndExpirySurviveAReopen() throws Exception {
      GrantRecord a = pending("db");
      GrantRecord b = pending("web");
      store.insert(a);
      store.insert(b);
      GrantRecord approved = a.withApproval(new ApprovalRecord("carol", Instant.parse("2026-01-01T00:01:00Z")));
      assertThat(store.replace(a, approved)).isTrue();
      GrantRecord issued = approved.issued(Instant.parse("2026-01-01T00:02:00Z"));
      assertThat(store.replace(approved, issued)).isTrue();
      GrantRecord released = issued.withCredentialReleased(true);
      assertThat(store.replace(issued, released)).isTrue();
      GrantRecord denied = b.ended(GrantStatus.DENIED, Instant.parse("2026-01-01T00:03:00Z"));
      assertThat(store.replace(b, denied)).isTrue();

      GrantStore s = reopen();

      assertThat(s.find(a.id())).contains(released);
      assertThat(s.find(b.id())).contains(denied);
      assertThat(s.find(a.id()).orElseThrow().expiresAt()).isEqualTo(Instant.parse("2026-01-01T00:32:00Z"));
      assertThat(s.findByStatus(EnumSet.of(GrantStatus.ACTIVE))).containsExactly(released);
      assertThat(s.findByStatus(EnumSet.of(GrantStatus.DENIED))).containsExactly(denied);
    }

    @Test
    void compareAndSetContinuesFromTheReopenedVersion() throws Exception {
      GrantRecord g = pending("db");
      store.insert(g);
      GrantRecord next = g.withApproval(new ApprovalRecord("carol", Instant.EPOCH));
      assertThat(store.replace(g, next)).isTrue();

      GrantStore s = reopen();

      assertThat(s.replace(g, g.withApproval(new ApprovalRecord("dave", Instant.EPOCH)))).isFalse();
      GrantRecord revoked = next.ended(GrantStatus.REVOKED, Instant.EPOCH);
      assertThat(s.replace(next, revoked)).isTrue();
      assertThatThrownBy(() -> s.insert(g)).isInstanceOf(IllegalStateException.class);
      GrantStore again = reopen();
      assertThat(again.find(g.id())).contains(revoked);
    }

    @Test
    void accountHolderAndTaintSurviveAReopen() throws Exception {
      AccountState initial = store.account("db");
      AccountState held = initial.heldBy("g-1");
      assertThat(store.replaceAccount(initial, held)).isTrue();
      AccountState tainted = held.releasedAndTainted("g-1");
      assertThat(store.replaceAccount(held, tainted)).isTrue();
      AccountState web = store.account("web").heldBy("g-2");
      assertThat(store.replaceAccount(store.account("web"), web)).isTrue();

      GrantStore s = reopen();

      assertThat(s.account("db")).isEqualTo(tainted);
      assertThat(s.account("db").taintedBy()).isEqualTo("g-1");
      assertThat(s.account("web")).isEqualTo(web);
      assertThat(s.replaceAccount(held, held.rotated())).isFalse();
      assertThat(s.replaceAccount(tainted, tainted.rotated())).isTrue();
      assertThat(reopen().account("db").tainted()).isFalse();
    }

    @Test
    void everyConcurrentlyAcknowledgedWriteSurvivesAReopen() throws Exception {
      int threads = 8;
      int perThread = 50;
      List<GrantRecord> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          futures.add(pool.submit(() -> {
            for (int i = 0; i < perThread; i++) {
              GrantRecord g = pending("acct");
              store.insert(g);
              GrantRecord issued = g.issued(Instant.parse("2026-01-01T00:05:00Z"));
              assertThat(store.replace(g, issued)).isTrue();
              acknowledged.add(issued);
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }

      GrantStore s = reopen();

      assertThat(s.findByStatus(EnumSet.of(GrantStatus.ACTIVE))).hasSize(threads * perThread)
          .containsExactlyInAnyOrderElementsOf(acknowledged);
    }
  }
}

package dev.breakglass.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ApprovalRecord;
import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.EngineRecord;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.IncidentState;
import dev.breakglass.spi.ThrottleState;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * empty store, and every rule below runs against your implementation: grants, accounts (with the
 * rotation retry schedule), the declared incident, throttles and engine records, each with its
 * compare-and-set, and the durability rules.
 *
 * <pre>{@code
 * class MyGrantStoreTest extends GrantStoreContract {
 *   @Override protected GrantStore createStore() { return new MyGrantStore(freshDatabase()); }
 *   @Override protected GrantStore reopenStore() { return new MyGrantStore(sameDatabase()); } // or null
 *   @Override protected ChildProcessStore childProcessStore() {
 *     return new ChildProcessStore(MyOpener.class, sameDatabaseUrl());                         // or null
 *   }
 *   public static final class MyOpener implements StoreOpener {
 *     @Override public GrantStore open(String location) { return new MyGrantStore(location); }
 *   }
 * }
 * }</pre>
 *
 * <p>The {@link Durability} rules close the store and open it again with {@link #reopenStore()}:
 * everything acknowledged before the close must be there, versions included, and compare-and-set
 * must continue from them. The {@link Sigkill} rule opens the store in a child JVM through
 * {@link #childProcessStore()}, writes every kind of record from several threads, kills the child with
 * SIGKILL at random points ({@link #sigkillRounds()} times) and checks, after each kill, that every
 * change the store acknowledged before the kill is still there. A store that keeps nothing across a
 * close (an in-memory store) opts out explicitly by returning {@code null} from both; those rules are
 * then skipped, not passed.
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

  /**
   * How a child JVM opens the same storage as {@link #reopenStore()}, or {@code null} if the store keeps
   * nothing across a process. The child runs on this JVM's class path, so a test class may be the opener.
   *
   * @return the opener and storage location, or {@code null} to skip the SIGKILL rule
   */
  protected abstract ChildProcessStore childProcessStore();

  /**
   * How many times the {@link Sigkill} rule kills the child JVM (default 5; each kill starts a JVM).
   *
   * @return the number of kills, at least 1
   */
  protected int sigkillRounds() {
    return 5;
  }

  /**
   * Opens the store under test in a child JVM for the {@link Sigkill} rule. Implement it in a public class
   * with a public no-argument constructor.
   */
  public interface StoreOpener {
    /**
     * Opens the store kept at {@code location}.
     *
     * @param location the {@link ChildProcessStore#location()} given by the test
     * @return the open store; the child writes to it until it is killed
     */
    GrantStore open(String location);
  }

  /**
   * What the {@link Sigkill} rule needs to open the store in a child JVM.
   *
   * @param opener the class the child instantiates (public, with a public no-argument constructor)
   * @param location handed to {@link StoreOpener#open}: the storage {@link #reopenStore()} opens too
   */
  public record ChildProcessStore(Class<? extends StoreOpener> opener, String location) {}

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
    void aFailedRotationKeepsTheTaintAndSchedulesTheRetry() {
      AccountState held = store.account("db").heldBy("g-1");
      assertThat(store.replaceAccount(store.account("db"), held)).isTrue();
      AccountState tainted = held.releasedAndTainted("g-1");
      assertThat(store.replaceAccount(held, tainted)).isTrue();
      Instant retry = Instant.parse("2026-01-01T00:10:00Z");
      AccountState failed = tainted.rotationFailed(retry);
      assertThat(store.replaceAccount(tainted, failed)).isTrue();

      AccountState stored = store.account("db");
      assertThat(stored.tainted()).isTrue();
      assertThat(stored.taintedBy()).isEqualTo("g-1");
      assertThat(stored.rotationAttempts()).isEqualTo(1);
      assertThat(stored.nextRotationAt()).isEqualTo(retry);
      assertThat(stored.rotationDue(retry.minusSeconds(1))).isFalse();
      assertThat(stored.rotationDue(retry)).isTrue();
      assertThat(store.replaceAccount(failed, failed.rotated())).isTrue();
      assertThat(store.account("db").rotationAttempts()).isZero();
      assertThat(store.account("db").nextRotationAt()).isNull();
      assertThat(store.account("db").tainted()).isFalse();
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

  @Nested
  class Incident {
    @Test
    void noIncidentIsStoredAtFirst() {
      assertThat(store.incident()).isEqualTo(IncidentState.none());
      assertThat(store.incident().isDeclared()).isFalse();
    }

    @Test
    void declareThenClose() {
      IncidentState none = store.incident();
      IncidentState declared = none.declared("inc-1", "sre-lead", "IdP outage", Instant.parse("2026-01-01T00:00:00Z"));
      assertThat(store.replaceIncident(none, declared)).isTrue();
      assertThat(store.incident()).isEqualTo(declared);
      assertThat(store.replaceIncident(declared, declared.closed())).isTrue();
      assertThat(store.incident().isDeclared()).isFalse();
      assertThat(store.incident().version()).isEqualTo(2);
    }

    @Test
    void aStaleIncidentReplaceFails() {
      IncidentState none = store.incident();
      IncidentState first = none.declared("inc-1", "sre-lead", "first", Instant.EPOCH);
      assertThat(store.replaceIncident(none, first)).isTrue();
      assertThat(store.replaceIncident(none, none.declared("inc-2", "other", "second", Instant.EPOCH))).isFalse();
      assertThat(store.incident().id()).isEqualTo("inc-1");
    }
  }

  @Nested
  class Throttles {
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void unknownKeyHasInitialState() {
      assertThat(store.throttle("request:alice")).isEqualTo(ThrottleState.initial("request:alice"));
    }

    @Test
    void countThenCountAgain() {
      ThrottleState t = store.throttle("request:alice");
      ThrottleState one = t.next(now, 1, 0, null, now.plusSeconds(600));
      assertThat(store.replaceThrottle(t, one)).isTrue();
      ThrottleState blocked = one.next(now, 2, 1, now.plusSeconds(60), now.plusSeconds(600));
      assertThat(store.replaceThrottle(one, blocked)).isTrue();
      assertThat(store.throttle("request:alice")).isEqualTo(blocked);
      assertThat(store.replaceThrottle(one, one.next(now, 5, 0, null, now))).isFalse();
      assertThat(store.throttle("request:bob")).isEqualTo(ThrottleState.initial("request:bob"));
    }

    @Test
    void purgeRemovesExactlyTheExpiredOnes() {
      ThrottleState a = store.throttle("request:a");
      ThrottleState expired = a.next(now, 1, 0, null, now.plusSeconds(10));
      assertThat(store.replaceThrottle(a, expired)).isTrue();
      ThrottleState b = store.throttle("request:b");
      ThrottleState live = b.next(now, 1, 0, null, now.plusSeconds(100));
      assertThat(store.replaceThrottle(b, live)).isTrue();

      assertThat(store.purgeThrottles(now.plusSeconds(10))).isEqualTo(1);

      assertThat(store.throttle("request:a")).isEqualTo(ThrottleState.initial("request:a"));
      assertThat(store.throttle("request:b")).isEqualTo(live);
      assertThat(store.replaceThrottle(expired, expired.next(now, 2, 0, null, now.plusSeconds(10)))).isFalse();
      ThrottleState again = store.throttle("request:a");
      assertThat(store.replaceThrottle(again, again.next(now, 1, 0, null, now.plusSeconds(50)))).isTrue();
      assertThat(store.throttle("request:a").version()).isEqualTo(1);
    }

    @Test
    void concurrentCountsAreNeverLost() throws Exception {
      int threads = 16;
      int each = 20;
      CyclicBarrier barrier = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          futures.add(pool.submit(() -> {
            barrier.await();
            for (int n = 0; n < each; n++) {
              while (true) {
                ThrottleState t = store.throttle("request:alice");
                if (store.replaceThrottle(t, t.next(now, t.count() + 1, 0, null, now.plusSeconds(60)))) {
                  break;
                }
              }
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
      assertThat(store.throttle("request:alice").count()).isEqualTo(threads * each);
    }
  }

  @Nested
  class Engines {
    @Test
    void unknownNodeHasInitialRecord() {
      assertThat(store.engine("node-a")).isEqualTo(EngineRecord.initial("node-a"));
    }

    @Test
    void startCheckStopPerNode() {
      Instant t = Instant.parse("2026-01-01T00:00:00Z");
      EngineRecord a = store.engine("node-a");
      EngineRecord started = a.started(t);
      assertThat(store.replaceEngine(a, started)).isTrue();
      EngineRecord checked = started.checkedUpTo(42, t.plusSeconds(5));
      assertThat(store.replaceEngine(started, checked)).isTrue();
      assertThat(store.replaceEngine(started, started.stopped(t, 1))).isFalse();
      EngineRecord stopped = checked.stopped(t.plusSeconds(9), 50);
      assertThat(store.replaceEngine(checked, stopped)).isTrue();

      assertThat(store.engine("node-a")).isEqualTo(stopped);
      assertThat(store.engine("node-a").running()).isFalse();
      assertThat(store.engine("node-a").auditPosition()).isEqualTo(50);
      assertThat(store.engine("node-b")).isEqualTo(EngineRecord.initial("node-b"));
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
    void rotationScheduleIncidentThrottlesAndEngineRecordsSurviveAReopen() throws Exception {
      Instant t = Instant.parse("2026-01-01T00:00:00Z");
      AccountState tainted = store.account("db").heldBy("g-1").releasedAndTainted("g-1").rotationFailed(t);
      AccountState initial = store.account("db");
      assertThat(store.replaceAccount(initial, initial.heldBy("g-1"))).isTrue();
      assertThat(store.replaceAccount(initial.heldBy("g-1"), initial.heldBy("g-1").releasedAndTainted("g-1"))).isTrue();
      AccountState beforeFailure = store.account("db");
      assertThat(store.replaceAccount(beforeFailure, beforeFailure.rotationFailed(t))).isTrue();
      IncidentState none = store.incident();
      IncidentState declared = none.declared("inc-7", "sre-lead", "IdP outage", t);
      assertThat(store.replaceIncident(none, declared)).isTrue();
      ThrottleState th = store.throttle("request:alice");
      ThrottleState blocked = th.next(t, 5, 2, t.plusSeconds(120), t.plusSeconds(3600));
      assertThat(store.replaceThrottle(th, blocked)).isTrue();
      ThrottleState gone = store.throttle("request:gone");
      assertThat(store.replaceThrottle(gone, gone.next(t, 1, 0, null, t.plusSeconds(1)))).isTrue();
      assertThat(store.purgeThrottles(t.plusSeconds(1))).isEqualTo(1);
      EngineRecord e = store.engine("node-a");
      EngineRecord running = e.started(t).checkedUpTo(17, t.plusSeconds(3));
      assertThat(store.replaceEngine(e, e.started(t))).isTrue();
      assertThat(store.replaceEngine(e.started(t), running)).isTrue();

      GrantStore s = reopen();

      assertThat(s.account("db")).isEqualTo(tainted);
      assertThat(s.account("db").nextRotationAt()).isEqualTo(t);
      assertThat(s.incident()).isEqualTo(declared);
      assertThat(s.throttle("request:alice")).isEqualTo(blocked);
      assertThat(s.throttle("request:gone")).isEqualTo(ThrottleState.initial("request:gone"));
      assertThat(s.engine("node-a")).isEqualTo(running);
      assertThat(s.replaceIncident(declared, declared.closed())).isTrue();
      assertThat(s.replaceThrottle(blocked, blocked.next(t, 0, 0, null, t.plusSeconds(1)))).isTrue();
      GrantStore again = reopen();
      assertThat(again.incident().isDeclared()).isFalse();
      assertThat(again.throttle("request:alice").version()).isEqualTo(2);
    }

    /**
     * A throttle purged and counted again starts over at version 1; after a reopen it reads as that new
     * count, never as the older, higher version that was purged (a store that replays by "highest version
     * wins" gets this wrong), and a throttle written as already expired reads as it was written until a
     * purge removes it.
     */
    @Test
    void aThrottleCountedAgainAfterAPurgeSurvivesAReopenAsTheNewCount() throws Exception {
      Instant t = Instant.parse("2026-01-01T00:00:00Z");
      ThrottleState old = store.throttle("login-client:10.0.0.1");
      for (int i = 1; i <= 3; i++) {
        ThrottleState next = old.next(t, i, 0, null, t.plusSeconds(10));
        assertThat(store.replaceThrottle(old, next)).isTrue();
        old = next;
      }
      assertThat(store.purgeThrottles(t.plusSeconds(10))).isEqualTo(1);
      ThrottleState fresh = store.throttle("login-client:10.0.0.1");
      ThrottleState recounted = fresh.next(t.plusSeconds(20), 1, 0, null, t.plusSeconds(80));
      assertThat(store.replaceThrottle(fresh, recounted)).isTrue();
      ThrottleState forgotten = store.throttle("login-client:10.0.0.2");
      ThrottleState cleared = forgotten.next(null, 0, 0, null, t);
      assertThat(store.replaceThrottle(forgotten, cleared)).isTrue();

      GrantStore s = reopen();

      assertThat(s.throttle("login-client:10.0.0.1")).isEqualTo(recounted);
      assertThat(s.throttle("login-client:10.0.0.2")).isEqualTo(cleared);
      assertThat(s.purgeThrottles(t.plusSeconds(20))).isEqualTo(1);
      assertThat(s.throttle("login-client:10.0.0.2")).isEqualTo(ThrottleState.initial("login-client:10.0.0.2"));
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

  /**
   * An operation acknowledged before a SIGKILL is never lost: a child JVM ({@link GrantStoreCrashWriter})
   * writes every kind of record from four threads and is killed at a random point, {@link #sigkillRounds()}
   * times; after each kill the store is reopened and must hold every acknowledged version or a later one.
   */
  @Nested
  class Sigkill {
    @Test
    void everyAcknowledgedChangeSurvivesSigkill() throws Exception {
      ChildProcessStore child = childProcessStore();
      Assumptions.assumeTrue(child != null, "the store declares itself not durable across processes");
      store.close();
      Random random = new Random(20261203L);
      Map<String, Long> acknowledged = new HashMap<>();
      for (int run = 0; run < sigkillRounds(); run++) {
        int target = 20 + random.nextInt(300);
        int acks = runChild(child, target, acknowledged);
        assertThat(acks).as("round %d: changes acknowledged before the kill", run).isEqualTo(target);
        store = reopenStore();
        for (Map.Entry<String, Long> a : acknowledged.entrySet()) {
          assertThat(storedVersion(a.getKey())).as("round %d: %s, acknowledged at version %d", run, a.getKey(),
              a.getValue()).isGreaterThanOrEqualTo(a.getValue());
        }
        store.close();
      }
      store = reopenStore();
    }

    private int runChild(ChildProcessStore child, int target, Map<String, Long> acknowledged) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", File.separatorChar == '\\' ? "java.exe" : "java")
          .toString();
      Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
          System.getProperty("java.class.path"), GrantStoreCrashWriter.class.getName(), child.opener().getName(),
          child.location(), "4").redirectError(ProcessBuilder.Redirect.DISCARD).start();
      Thread watchdog = new Thread(() -> {
        try {
          if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        } catch (InterruptedException e) {
          p.destroyForcibly();
        }
      });
      watchdog.setDaemon(true);
      watchdog.start();
      int acks = 0;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while (acks < target && (line = r.readLine()) != null) {
          String[] f = line.split(" ");
          if (f.length == 4 && f[0].equals("ACK")) {
            acknowledged.merge(f[1] + " " + f[2], Long.parseLong(f[3]), Math::max);
            acks++;
          }
        }
      } finally {
        p.destroyForcibly();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended after SIGKILL").isTrue();
        watchdog.interrupt();
      }
      return acks;
    }

    private long storedVersion(String kindAndKey) {
      String key = kindAndKey.substring(2);
      switch (kindAndKey.charAt(0)) {
        case 'G':
          return store.find(key).map(GrantRecord::version).orElse(-1L);
        case 'A':
          return store.account(key).version();
        case 'T':
          return store.throttle(key).version();
        case 'E':
          return store.engine(key).version();
        case 'I':
          return store.incident().version();
        default:
          throw new IllegalStateException("unknown kind in " + kindAndKey);
      }
    }
  }
}

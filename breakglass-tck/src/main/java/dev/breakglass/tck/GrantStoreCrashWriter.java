package dev.breakglass.tck;

import dev.breakglass.ApprovalRecord;
import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.EngineRecord;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.IncidentState;
import dev.breakglass.spi.ThrottleState;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The child JVM of the SIGKILL rule in {@link GrantStoreContract}: opens the store under test through its
 * {@link GrantStoreContract.StoreOpener} and, from several threads, drives every kind of record through its
 * lifecycle (a grant from request through approvals, issue and release to its end; the account held,
 * tainted, a failed rotation, rotated; a rate-limit throttle; the node's engine record; and, on one
 * thread, the declared incident). After each write the store acknowledged it prints
 * {@code ACK <kind> <key> <version>} on standard output, and only then. The parent kills it with
 * SIGKILL at a random point and checks that every acknowledged version (or a later one) is still there.
 *
 * <p>Arguments: the opener's class name, the storage location, the number of threads.
 */
public final class GrantStoreCrashWriter {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private GrantStoreCrashWriter() {}

  /**
   * Runs until killed.
   *
   * @param args opener class name, storage location, thread count
   * @throws Exception if the store cannot be opened
   */
  public static void main(String[] args) throws Exception {
    GrantStoreContract.StoreOpener opener = (GrantStoreContract.StoreOpener) Class.forName(args[0])
        .getDeclaredConstructor().newInstance();
    GrantStore store = opener.open(args[1]);
    int threads = Integer.parseInt(args[2]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    for (int t = 0; t < threads; t++) {
      int n = t;
      Thread th = new Thread(() -> {
        while (true) {
          cycle(store, out, n);
        }
      }, "crash-writer-" + t);
      th.start();
    }
  }

  private static void cycle(GrantStore store, PrintStream out, int thread) {
    String account = "acct-" + thread;
    GrantRecord g = new GrantRecord("g-" + UUID.randomUUID(), "alice", account, "outage", null,
        Duration.ofMinutes(30), "digest", T0, 2, List.of(), GrantStatus.PENDING_APPROVAL, null, null, null, false, 0);
    store.insert(g);
    ack(out, "G", g.id(), 0);
    AccountState held = cas(store, out, store.account(account), a -> a.heldBy(g.id()));
    GrantRecord cur = g;
    for (GrantRecord next : List.of(
        cur = cur.withApproval(new ApprovalRecord("carol", T0)),
        cur = cur.withApproval(new ApprovalRecord("dave", T0)),
        cur = cur.issued(T0),
        cur = cur.withCredentialReleased(true),
        cur.ended(GrantStatus.EXPIRED, T0.plusSeconds(1800)))) {
      GrantRecord expected = store.find(g.id()).orElseThrow();
      require(store.replace(expected, next), "an uncontended grant update");
      ack(out, "G", g.id(), next.version());
    }
    AccountState tainted = cas(store, out, held, a -> a.releasedAndTainted(g.id()));
    AccountState failed = cas(store, out, tainted, a -> a.rotationFailed(T0.plusSeconds(60)));
    cas(store, out, failed, AccountState::rotated);

    ThrottleState th = store.throttle("request:user-" + thread);
    ThrottleState counted = th.next(T0, th.count() + 1, 0, null, T0.plusSeconds(3600));
    require(store.replaceThrottle(th, counted), "an uncontended throttle update");
    ack(out, "T", counted.key(), counted.version());

    EngineRecord e = store.engine("node-" + thread);
    EngineRecord seen = e.checkedUpTo(e.auditPosition() + 1, T0);
    require(store.replaceEngine(e, seen), "an uncontended engine update");
    ack(out, "E", seen.nodeId(), seen.version());

    if (thread == 0) {
      IncidentState i = store.incident();
      IncidentState next = i.isDeclared() ? i.closed() : i.declared("inc-" + i.version(), "sre-lead", "drill", T0);
      require(store.replaceIncident(i, next), "an uncontended incident update");
      ack(out, "I", "incident", next.version());
    }
  }

  private static AccountState cas(GrantStore store, PrintStream out, AccountState expected,
      java.util.function.UnaryOperator<AccountState> change) {
    AccountState next = change.apply(expected);
    require(store.replaceAccount(expected, next), "an uncontended account update");
    ack(out, "A", next.account(), next.version());
    return next;
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("the store refused " + what);
    }
  }

  private static void ack(PrintStream out, String kind, String key, long version) {
    synchronized (out) {
      out.println("ACK " + kind + " " + key + " " + version);
    }
  }
}

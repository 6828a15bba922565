package dev.breakglass.core.internal;

import dev.breakglass.ApprovalRecord;
import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Child JVM for {@link FileStoreCrashTest}: several threads drive grants through the whole stored
 * lifecycle (request, approvals, issue, release, end) and accounts through hold, release-and-taint
 * and rotation, printing {@code ACK G <id> <version>} or {@code ACK A <account> <version>} only
 * after the store acknowledged the write. The parent SIGKILLs it at a random point.
 */
public final class FileStoreCrashChild {
  private FileStoreCrashChild() {}

  public static void main(String[] args) throws Exception {
    FileGrantStore store = FileGrantStore.open(Path.of(args[0]), Long.parseLong(args[2]));
    int threads = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    for (int t = 0; t < threads; t++) {
      String account = "acct-" + t;
      Thread th = new Thread(() -> {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        while (true) {
          GrantRecord g = new GrantRecord("g-" + UUID.randomUUID(), "alice", account, "outage", null,
              Duration.ofMinutes(30), "digest", now, 2, List.of(), GrantStatus.PENDING_APPROVAL, null, null, null,
              false, 0);
          store.insert(g);
          ack(out, "G", g.id(), g.version());
          AccountState a = store.account(account);
          AccountState held = a.heldBy(g.id());
          if (!store.replaceAccount(a, held)) {
            throw new IllegalStateException("lost an uncontended account update");
          }
          ack(out, "A", account, held.version());
          GrantRecord cur = g;
          for (GrantRecord next : List.of(
              cur = cur.withApproval(new ApprovalRecord("carol", now)),
              cur = cur.withApproval(new ApprovalRecord("dave", now)),
              cur = cur.issued(now),
              cur = cur.withCredentialReleased(true),
              cur.ended(GrantStatus.EXPIRED, now.plusSeconds(1800)))) {
            GrantRecord expected = store.find(g.id()).orElseThrow();
            if (!store.replace(expected, next)) {
              throw new IllegalStateException("lost an uncontended grant update");
            }
            ack(out, "G", g.id(), next.version());
          }
          AccountState tainted = held.releasedAndTainted(g.id());
          store.replaceAccount(held, tainted);
          ack(out, "A", account, tainted.version());
          AccountState rotated = tainted.rotated();
          store.replaceAccount(tainted, rotated);
          ack(out, "A", account, rotated.version());
        }
      });
      th.start();
    }
  }

  private static void ack(PrintStream out, String kind, String id, long version) {
    synchronized (out) {
      out.println("ACK " + kind + " " + id + " " + version);
    }
  }
}

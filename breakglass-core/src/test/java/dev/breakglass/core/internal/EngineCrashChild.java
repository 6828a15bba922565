package dev.breakglass.core.internal;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.core.BreakGlassEngine;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

/**
 * The child JVM of {@link EngineCrashTest}: a real engine on the embedded defaults (file grant store,
 * tamper-evident audit log, both in the data directory) driven from several threads through the whole
 * lifecycle: request, each approval, issue, release, revocation or close, and grants left to expire.
 * After each operation the engine acknowledged (returned from) it prints {@code ACK <op> <grant> <account>}.
 * The parent kills it with SIGKILL at a random point.
 *
 * <p>Arguments: data directory, clock offset in seconds from {@link #T0}, thread count, seed. The clock
 * runs {@link #SPEED} times real time, so grants also expire during a run.
 */
public final class EngineCrashChild {
  /** The start of the engine's clock; each run starts further on, so grants expire between runs. */
  static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  static final int ACCOUNTS = 16;
  /** Engine seconds per real second: grants of a few minutes expire within a run. */
  static final int SPEED = 60;

  private EngineCrashChild() {}

  /** The policy both the child and the parent's checking engine use. */
  static BreakGlassPolicy policy() {
    BreakGlassPolicy.Builder b = BreakGlassPolicy.builder()
        .approvalTimeout(Duration.ofMinutes(5))
        .rateLimit(new BreakGlassPolicy.RateLimit(1_000_000, Duration.ofMinutes(1), Duration.ofMinutes(1)));
    for (int i = 0; i < ACCOUNTS; i++) {
      b.account(AccountPolicy.builder("acct-" + i)
          .requesters("alice", "bob")
          .custodians("carol", "dave", "erin")
          .approvals(i % 2 == 0 ? 0 : 2)
          .maxDuration(Duration.ofMinutes(30))
          .emergencyRequired(false)
          .build());
    }
    return b.build();
  }

  /**
   * An engine on {@code data} whose clock starts {@code offset} past {@link #T0} and runs {@link #SPEED}
   * times faster than real time.
   */
  static BreakGlass engine(Path data, Duration offset) {
    Instant base = T0.plus(offset);
    long started = System.nanoTime();
    Clock clock = new Clock() {
      @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return base.plusNanos((System.nanoTime() - started) * SPEED); }
    };
    MapVault vault = new MapVault();
    for (int i = 0; i < ACCOUNTS; i++) {
      vault.write("acct-" + i, ("secret-" + i).toCharArray());
    }
    return BreakGlassEngine.builder()
        .policy(policy())
        .dataDirectory(data)
        .clock(clock)
        .vault(vault)
        .alertChannel(new RecordingAlertChannel())
        .rotator(new ScriptedRotator())
        .fingerprintKey(new byte[32])
        .background(false)
        .build();
  }

  /**
   * Runs until killed.
   *
   * @param args data directory, clock offset (seconds), thread count, seed
   */
  public static void main(String[] args) {
    BreakGlass engine = engine(Path.of(args[0]), Duration.ofSeconds(Long.parseLong(args[1])));
    int threads = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println("STARTED");
    for (int t = 0; t < threads; t++) {
      Random random = new Random(seed * 31 + t);
      new Thread(() -> {
        while (true) {
          try {
            cycle(engine, random, out);
          } catch (RuntimeException | Error e) {
            if (!(e instanceof BreakGlassException)) {
              synchronized (out) {
                out.println("ERR " + e);
              }
              throw e;
            }
            // Refusals are part of the workload (account held or tainted, timed out, lost races).
            try {
              Thread.sleep(5);
            } catch (InterruptedException interrupted) {
              return;
            }
          }
        }
      }, "engine-crash-" + t).start();
    }
  }

  private static void cycle(BreakGlass engine, Random random, PrintStream out) {
    String account = "acct-" + random.nextInt(ACCOUNTS);
    EmergencyAccessGrant g = engine.requestAccess(AccessRequest.builder()
        .requester(random.nextBoolean() ? "alice" : "bob")
        .account(account)
        .reason("crash test")
        .duration(Duration.ofMinutes(1 + random.nextInt(5)))
        .build());
    ack(out, "REQ", g);
    for (String custodian : List.of("carol", "dave")) {
      if (g.status() != GrantStatus.PENDING_APPROVAL) {
        break;
      }
      g = engine.approve(Approval.of(g, custodian));
      ack(out, "APP-" + custodian, g);
    }
    if (g.status() != GrantStatus.ACTIVE) {
      return;
    }
    ack(out, "ACTIVE", g);
    if (random.nextInt(4) != 0) {
      g.releaseCredential().close();
      ack(out, "REL", g);
    }
    int end = random.nextInt(3);
    if (end == 0) {
      engine.revoke(g.id(), "sre-lead", "crash test");
      ack(out, "END", g);
    } else if (end == 1) {
      engine.close(g.id(), "alice");
      ack(out, "END", g);
    }
    // else: left open, to expire between runs
    engine.sweep();
  }

  private static void ack(PrintStream out, String op, EmergencyAccessGrant g) {
    synchronized (out) {
      out.println("ACK " + op + " " + g.id() + " " + g.account());
    }
  }
}

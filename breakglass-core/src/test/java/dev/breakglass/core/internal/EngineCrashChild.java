package dev.breakglass.core.internal;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.LoginAttempt;
import dev.breakglass.PrimaryUnavailableException;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@link EngineCrashTest}: a real engine on the embedded defaults (file grant store,
 * tamper-evident audit log, both in the data directory) driven from several threads through the whole
 * lifecycle: request, each approval, issue, release, login, revocation or close, grants left to expire,
 * and the rotation of every tainted account. After each operation the engine acknowledged (returned from)
 * it prints {@code ACK <op> <grant> <account>}; expiries and rotations, which happen inside a sweep, print
 * {@code POINT <what> <account>} as they happen, so the parent's kills land there too. The parent kills it
 * with SIGKILL at a random point.
 *
 * <p>Every thread sweeps after each cycle, refused or not: the sweep ends expired grants and rotates
 * their accounts, without which every account is soon held by an expired grant and every request is
 * refused. Alerts are only counted (a refusal storm must not fill the child's small heap).
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

  /** Where acknowledgements go; the parent reads them line by line. */
  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /** Whether this JVM is the child (the parent's checking engine prints no kill points). */
  private static volatile boolean inChild;

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
        .alertChannel(new PointsChannel())
        .rotator(new PointsRotator())
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
    inChild = true;
    BreakGlass engine = engine(Path.of(args[0]), Duration.ofSeconds(Long.parseLong(args[1])));
    int threads = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    Authenticator guard = engine.guard(attempt -> {
      throw new PrimaryUnavailableException("primary IdP down (crash test)");
    });
    OUT.println("STARTED");

    for (int t = 0; t < threads; t++) {
      Random random = new Random(seed * 31 + t);
      new Thread(() -> {
        while (true) {
          try {
            cycle(engine, guard, random);
          } catch (RuntimeException | Error e) {
            if (!(e instanceof BreakGlassException)) {
              synchronized (OUT) {
                OUT.println("ERR " + e);
              }
              throw e;
            }
            // Refusals are part of the workload (account held or tainted, timed out, lost races); the
            // sweep ends what expired meanwhile, so the accounts come free again.
            try {
              engine.sweep();
              Thread.sleep(5);
            } catch (InterruptedException interrupted) {
              return;
            } catch (BreakGlassException swept) {
              // a sweep that lost a race is retried by the next one
            }
          }
        }
      }, "engine-crash-" + t).start();
    }
  }

  private static void cycle(BreakGlass engine, Authenticator guard, Random random) {
    String account = "acct-" + random.nextInt(ACCOUNTS);
    EmergencyAccessGrant g = engine.requestAccess(AccessRequest.builder()
        .requester(random.nextBoolean() ? "alice" : "bob")
        .account(account)
        .reason("crash test")
        .duration(Duration.ofMinutes(1 + random.nextInt(5)))
        .build());
    ack("REQ", g);
    for (String custodian : List.of("carol", "dave")) {
      if (g.status() != GrantStatus.PENDING_APPROVAL) {
        break;
      }
      g = engine.approve(Approval.of(g, custodian));
      ack("APP-" + custodian, g);
    }
    if (g.status() != GrantStatus.ACTIVE) {
      return;
    }
    ack("ACTIVE", g);
    if (random.nextInt(4) != 0) {
      char[] secret;
      try (Credential c = g.releaseCredential()) {
        secret = c.secret().clone();
      }
      ack("REL", g);
      if (random.nextBoolean()) {
        guard.authenticate(LoginAttempt.of(g.account(), secret, "10.0.0." + random.nextInt(4)));
        ack("LOGIN", g);
      }
      Arrays.fill(secret, '\0');
    }
    int end = random.nextInt(3);
    if (end == 0) {
      engine.revoke(g.id(), "sre-lead", "crash test");
      ack("END", g);
    } else if (end == 1) {
      engine.close(g.id(), "alice");
      ack("END", g);
    }
    // else: left open, to expire between runs
    engine.sweep();
  }

  private static void ack(String op, EmergencyAccessGrant g) {
    synchronized (OUT) {
      OUT.println("ACK " + op + " " + g.id() + " " + g.account());
    }
  }

  /** A point inside a sweep (expiry, rotation) where the parent may kill; nothing to check against it. */
  private static void point(String what, String account) {
    if (!inChild) {
      return;
    }
    synchronized (OUT) {
      OUT.println("POINT " + what + " " + account);
    }
  }

  /** Writes a new credential into the vault, with a kill point before and after. */
  private static final class PointsRotator implements CredentialRotator {
    private final AtomicLong rotations = new AtomicLong();

    @Override
    public String name() {
      return "points";
    }

    @Override
    public boolean supports(String account) {
      return true;
    }

    @Override
    public void rotate(String account, CredentialVault vault) {
      point("ROT-START", account);
      vault.write(account, ("rotated-" + rotations.incrementAndGet()).toCharArray());
      point("ROT-DONE", account);
    }
  }

  /**
   * Counts alerts instead of keeping them (a refusal storm would fill the heap), and marks each expiry as
   * a kill point.
   */
  private static final class PointsChannel implements AlertChannel {
    private final AtomicLong delivered = new AtomicLong();

    @Override
    public String name() {
      return "points";
    }

    @Override
    public void deliver(Alert alert) {
      delivered.incrementAndGet();
      if (alert.type() == AuditEventType.GRANT_EXPIRED) {
        point("EXPIRED", String.valueOf(alert.account()));
      }
    }
  }
}

package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.GrantStatus;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole engine, SIGKILLed: a child JVM ({@link EngineCrashChild}) runs the lifecycle from four
 * threads on the embedded defaults and is killed at 30 random points (after an acknowledged request,
 * approval, issue, release, login, revocation or close, or inside a sweep's expiry or rotation). After
 * each kill the parent checks the state store and the log for every acknowledged operation, starts an
 * engine on the same data directory (the start rules run, the clock moved on ten minutes so open grants
 * expire in between; the engine clock runs sixty times real time, so grants also expire during runs), and
 * checks that the
 * state agrees with the audit log, that no released and unrotated account is clean, that no grant is
 * active past its expiry, and that the log verifies.
 */
class EngineCrashTest {
  private static final int KILLS = 30;
  private static final Duration STEP = Duration.ofMinutes(10);

  @TempDir Path dir;

  @Test
  void everyGuaranteeHoldsAcrossSigkills() throws Exception {
    Path data = dir.resolve("data");
    Random random = new Random(20261203L);
    Map<String, Set<String>> acked = new HashMap<>();
    int total = 0;
    Duration offset = Duration.ZERO;
    for (int run = 0; run < KILLS; run++) {
      int target = 1 + random.nextInt(120);
      long launched = System.nanoTime();
      Process child = new ProcessBuilder(javaBin(), "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
          "-Dorg.slf4j.simpleLogger.logFile=" + dir.resolve("child-" + run + ".log"), "-cp",
          System.getProperty("java.class.path"), EngineCrashChild.class.getName(), data.toString(),
          Long.toString(offset.toSeconds()), "4", Integer.toString(run))
          .redirectError(dir.resolve("child-" + run + ".err").toFile()).start();
      int points = 0;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          assertThat(line).as("child run %d failed", run).doesNotStartWith("ERR");
          String[] p = line.split(" ");
          boolean ack = p.length == 4 && p[0].equals("ACK");
          if (ack) {
            acked.computeIfAbsent(p[2], k -> new HashSet<>()).add(p[1]);
            total++;
          }
          if ((ack || p[0].equals("POINT")) && ++points >= target) {
            child.destroyForcibly();
            break;
          }
        }
      } finally {
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(points).as("run %d reached its kill point (see child-%d.err)", run, run).isEqualTo(target);

      // The engine clock never runs backwards across restarts: the next one starts past the last run.
      offset = offset.plus(sinceScaled(launched)).plus(STEP);
      // The store is checked before any engine opens it again (a start could correct it from the log).
      noAcknowledgedOperationIsLost(data, acked, run);
      Instant restart = EngineCrashChild.T0.plus(offset);
      long checking = System.nanoTime();
      BreakGlass checker = EngineCrashChild.engine(data, offset);
      checker.close();
      // The log is read once the start has cut a frame the kill tore (it was never acknowledged).
      noAcknowledgedLoginIsLost(data, acked, run);
      offset = offset.plus(sinceScaled(checking)).plus(Duration.ofSeconds(1));
      stateAgreesWithTheLog(data, restart, run);
    }
    List<AuditEvent> log = AuditLogReader.readEvents(data.resolve(BreakGlassEngine.AUDIT_DIRECTORY));
    assertThat(log.stream().filter(e -> e.type() == AuditEventType.ENGINE_STARTED
        && "unclean".equals(e.details().get("previousRun")))).as("every kill is seen as an unclean stop")
        .hasSize(KILLS);
    assertThat(log.stream().filter(e -> e.type() == AuditEventType.EMERGENCY_LOGIN))
        .as("logins through released credentials were part of the workload").isNotEmpty();
    assertThat(log.stream().filter(e -> e.type() == AuditEventType.CREDENTIAL_ROTATED))
        .as("rotations were part of the workload").isNotEmpty();
    assertThat(log.stream().filter(e -> e.type() == AuditEventType.GRANT_EXPIRED))
        .as("expiries were part of the workload").isNotEmpty();
    System.out.printf("engine crash test: %d kills, %d acknowledged operations, %d grants%n", KILLS, total,
        acked.size());
  }

  private static void noAcknowledgedLoginIsLost(Path data, Map<String, Set<String>> acked, int run) {
    Set<String> loggedIn = new HashSet<>();
    for (AuditEvent e : AuditLogReader.readEvents(data.resolve(BreakGlassEngine.AUDIT_DIRECTORY))) {
      if (e.type() == AuditEventType.EMERGENCY_LOGIN) {
        loggedIn.add(e.grantId());
      }
    }
    acked.forEach((id, ops) -> {
      if (ops.contains("LOGIN")) {
        assertThat(loggedIn).as("login through %s after kill %d", id, run).contains(id);
      }
    });
  }

  private static void noAcknowledgedOperationIsLost(Path data, Map<String, Set<String>> acked, int run) {
    try (FileGrantStore store = FileGrantStore.open(data.resolve("state"))) {
      acked.forEach((id, ops) -> {
        GrantRecord g = store.find(id).orElse(null);
        assertThat(g).as("acknowledged request %s after kill %d", id, run).isNotNull();
        for (String custodian : List.of("carol", "dave")) {
          if (ops.contains("APP-" + custodian)) {
            assertThat(g.approvals()).as("approval of %s by %s after kill %d", id, custodian, run)
                .anySatisfy(a -> assertThat(a.custodian()).isEqualTo(custodian));
          }
        }
        if (ops.contains("ACTIVE")) {
          assertThat(g.issuedAt()).as("issue of %s after kill %d", id, run).isNotNull();
        }
        if (ops.contains("REL")) {
          assertThat(g.credentialReleased()).as("release of %s after kill %d", id, run).isTrue();
        }
        if (ops.contains("END")) {
          assertThat(g.status().isTerminal()).as("end of %s after kill %d", id, run).isTrue();
        }
      });
    }
  }

  private static void stateAgreesWithTheLog(Path data, Instant restart, int run) {
    Path audit = data.resolve(BreakGlassEngine.AUDIT_DIRECTORY);
    AuditLogVerifier.VerificationResult verified = AuditLogVerifier
        .of(AuditPublicKey.read(data.resolve(BreakGlassEngine.AUDIT_PUBLIC_KEY_FILE))).verify(audit);
    assertThat(verified.valid()).as("log verifies after kill %d: %s", run, verified.problem()).isTrue();
    List<AuditEvent> log = AuditLogReader.readEvents(audit);
    Set<String> ended = new HashSet<>();
    Set<String> issued = new HashSet<>();
    Set<String> releaseAttempted = new HashSet<>();
    Set<String> released = new HashSet<>();
    Map<String, String> unrotated = new HashMap<>();
    for (AuditEvent e : log) {
      switch (e.type()) {
        case GRANT_EXPIRED, GRANT_REVOKED, GRANT_CLOSED, REQUEST_DENIED, APPROVAL_EXPIRED -> ended.add(e.grantId());
        case GRANT_ISSUED -> issued.add(e.grantId());
        case CREDENTIAL_RELEASE_ATTEMPT -> releaseAttempted.add(e.grantId());
        case CREDENTIAL_RELEASED -> {
          released.add(e.grantId());
          unrotated.put(e.account(), e.grantId());
        }
        case CREDENTIAL_ROTATED -> unrotated.remove(e.account());
        default -> { }
      }
    }
    try (FileGrantStore store = FileGrantStore.open(data.resolve("state"))) {
      for (GrantRecord g : store.findByStatus(EnumSet.allOf(GrantStatus.class))) {
        if (ended.contains(g.id())) {
          assertThat(g.status().isTerminal()).as("%s ended in the log, after kill %d", g.id(), run).isTrue();
        }
        if (released.contains(g.id())) {
          assertThat(g.credentialReleased()).as("%s released in the log, after kill %d", g.id(), run).isTrue();
        }
        if (g.credentialReleased()) {
          assertThat(releaseAttempted).as("release of %s is in the log, after kill %d", g.id(), run)
              .contains(g.id());
        }
        if (g.status() == GrantStatus.ACTIVE) {
          assertThat(issued).as("issue of %s is in the log, after kill %d", g.id(), run).contains(g.id());
          assertThat(g.expiresAt()).as("%s active past its expiry after kill %d", g.id(), run).isAfter(restart);
        }
      }
      unrotated.forEach((account, grant) -> {
        AccountState a = store.account(account);
        boolean heldByItsOpenGrant = grant.equals(a.holder())
            && store.find(grant).map(g -> !g.status().isTerminal()).orElse(false);
        assertThat(a.tainted() || heldByItsOpenGrant)
            .as("%s released by %s and never rotated is clean after kill %d", account, grant, run).isTrue();
      });
    }
  }

  /** Real time since {@code start}, in engine time (rounded up to a whole second). */
  private static Duration sinceScaled(long start) {
    return Duration.ofSeconds((System.nanoTime() - start) * EngineCrashChild.SPEED / 1_000_000_000L + 1);
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : ""))
        .toString();
  }
}

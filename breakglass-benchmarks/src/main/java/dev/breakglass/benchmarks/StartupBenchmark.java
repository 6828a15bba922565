package dev.breakglass.benchmarks;

import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.TamperEvidentAuditLog;
import dev.breakglass.core.internal.FileGrantStore;
import dev.breakglass.spi.EngineRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Engine start-up (build, start rules, close) on a data directory whose tamper-evident audit log holds
 * {@link #RECORDS} records and whose file grant store is known complete up to the log's end
 * ({@code previousRun = clean}), or must be cross-checked against the whole log because the node's
 * record says nothing was checked and the last run did not stop ({@code unclean}). Milliseconds per
 * start, single shot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class StartupBenchmark {
  static final int RECORDS = 1_000_000;
  static final String NODE = "bench-node";

  @Param({"clean", "unclean"})
  public String previousRun;
  Path dir;

  @Setup(Level.Trial)
  public void fillLog() throws IOException {
    System.setProperty("breakglass.node-id", NODE);
    dir = Files.createTempDirectory("bg-startup-");
    AuditSigningKey key = AuditSigningKey.loadOrCreate(dir.resolve("keys").resolve("audit-signing.key"));
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(dir.resolve(BreakGlassEngine.AUDIT_DIRECTORY))
        .signingKey(key).fsync(false).build()) {
      for (int i = 0; i < RECORDS; i++) {
        AuditEventType type = i % 4 == 3 ? AuditEventType.GRANT_CLOSED : AuditEventType.ACCESS_REQUESTED;
        log.append(new AuditEvent(t.plusMillis(i), type, "alice", "bg-" + (i / 4), "acct-" + (i % 8), Map.of()));
      }
    }
    start();
  }

  @Setup(Level.Iteration)
  public void previousRun() {
    if (previousRun.equals("unclean")) {
      try (FileGrantStore store = FileGrantStore.open(dir.resolve("state"))) {
        EngineRecord e = store.engine(NODE);
        store.replaceEngine(e, new EngineRecord(NODE, true, e.startedAt(), e.lastSeenAt(), 0, e.version() + 1));
      }
    }
  }

  @Benchmark
  public void start() {
    BreakGlassPolicy policy = BreakGlassPolicy.builder().account(AccountPolicy.builder("acct-0").requesters("alice")
        .approvals(0).maxDuration(Duration.ofMinutes(30)).emergencyRequired(false).build()).build();
    StateStoreBenchmark.MapVault vault = new StateStoreBenchmark.MapVault();
    vault.write("acct-0", "secret".toCharArray());
    BreakGlassEngine.builder().policy(policy).dataDirectory(dir).vault(vault).fingerprintKey(new byte[32])
        .background(false).build().close();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    StateStoreBenchmark.delete(dir);
  }
}

package dev.breakglass.benchmarks;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.postgresql.PostgresGrantStore;
import dev.breakglass.spi.GrantStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
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
 * The engine state in PostgreSQL ({@code grant-store=postgresql}) against the embedded file store in
 * the same run, on one embedded PostgreSQL server started by the benchmark ({@code fsync=on},
 * {@code synchronous_commit=on}); the audit log is the embedded tamper-evident file log in both.
 *
 * <ul>
 *   <li>{@code requestToGrant}: one request for an account needing no approvals, one thread, sample mode.
 *   <li>{@code followIncident}: an incident declared on instance A is taken up by instance B's next sweep,
 *       then closed on A and dropped by B's next sweep (two hand-overs per operation); with background
 *       work an instance sweeps every {@code sweepInterval} (1 s), which bounds the propagation time
 *       together with this operation's own time.
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class PostgresStateBenchmark {
  static final int ACCOUNTS = StateStoreBenchmark.ACCOUNTS;

  /** One embedded PostgreSQL server for the whole run. */
  @State(Scope.Benchmark)
  public static class Database {
    EmbeddedPostgres postgres;
    DataSource dataSource;

    @Setup(Level.Trial)
    public void start() throws IOException {
      postgres = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on")
          .setServerConfig("fsync", "on").start();
      dataSource = postgres.getPostgresDatabase();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
      postgres.close();
    }
  }

  /** An engine whose grant store is named by {@code store}. */
  @State(Scope.Thread)
  public static class Engine {
    @Param({"postgresql", "file"})
    public String store;
    Path dir;
    GrantStore grants;
    BreakGlass engine;
    EmergencyAccessGrant last;
    int next;

    @Setup(Level.Trial)
    public void setUp(Database db) throws IOException {
      dir = Files.createTempDirectory("bg-pgstate-");
      BreakGlassEngine.Builder b = StateStoreBenchmark.requestEngine(dir);
      if (store.equals("postgresql")) {
        grants = PostgresGrantStore.open(db.dataSource);
        b.grantStore(grants);
      } else {
        b.property("grant-store", store);
      }
      engine = b.build();
    }

    /** Ends the grant and rotates its account, outside the measurement. */
    @TearDown(Level.Invocation)
    public void closeGrant() {
      if (last != null) {
        engine.close(last.id(), "alice");
        engine.sweep();
        last = null;
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      engine.close();
      if (grants != null) {
        grants.close();
      }
      StateStoreBenchmark.delete(dir);
    }
  }

  /** Two instances sharing one PostgreSQL grant store. */
  @State(Scope.Thread)
  public static class Pair {
    Path dir;
    GrantStore storeA;
    GrantStore storeB;
    BreakGlass a;
    BreakGlass b;

    @Setup(Level.Trial)
    public void setUp(Database db) throws IOException {
      dir = Files.createTempDirectory("bg-pgpair-");
      BreakGlassPolicy policy = BreakGlassPolicy.builder().account(AccountPolicy.builder("acct-0").requesters("alice")
          .approvals(0).build()).incidentDeclarers("carol").build();
      storeA = PostgresGrantStore.open(db.dataSource);
      storeB = PostgresGrantStore.open(db.dataSource);
      a = instance(policy, dir.resolve("a"), storeA);
      b = instance(policy, dir.resolve("b"), storeB);
    }

    private static BreakGlass instance(BreakGlassPolicy policy, Path data, GrantStore store) {
      StateStoreBenchmark.MapVault vault = new StateStoreBenchmark.MapVault();
      vault.write("acct-0", "secret".toCharArray());
      return BreakGlassEngine.builder().policy(policy).dataDirectory(data).vault(vault).grantStore(store)
          .fingerprintKey(new byte[32]).background(false).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      a.close();
      b.close();
      storeA.close();
      storeB.close();
      StateStoreBenchmark.delete(dir);
    }
  }

  @Benchmark
  public EmergencyAccessGrant requestToGrant(Engine e) {
    String account = "acct-" + (e.next++ % ACCOUNTS);
    e.last = e.engine.requestAccess(AccessRequest.builder().requester("alice").account(account)
        .reason("benchmark").duration(Duration.ofMinutes(5)).build());
    return e.last;
  }

  @Benchmark
  public boolean followIncident(Pair p) {
    p.a.declareIncident("carol", "benchmark outage");
    p.b.sweep();
    boolean opened = p.b.emergencyState().isEmergency();
    p.a.closeIncident("carol", "benchmark over");
    p.b.sweep();
    if (!opened || p.b.emergencyState().isEmergency()) {
      throw new IllegalStateException("instance B did not follow the incident");
    }
    return opened;
  }
}

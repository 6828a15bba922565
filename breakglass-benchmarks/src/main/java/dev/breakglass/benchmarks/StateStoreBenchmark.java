package dev.breakglass.benchmarks;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.internal.FileGrantStore;
import dev.breakglass.core.internal.InMemoryGrantStore;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.Credential;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The cost of durable engine state, each against the in-memory store in the same run (sample mode:
 * JMH reports p50, p99 and the rest):
 *
 * <ul>
 *   <li>{@code stateWrite}: one account compare-and-set ({@code file}: journaled and fsynced before it
 *       returns);
 *   <li>{@code requestToGrant}: a request for an account needing no approvals, through the whole engine
 *       with the durable tamper-evident audit log, store {@code file} or {@code memory}; the grant is
 *       closed and its account rotated after each invocation, outside the measurement.
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class StateStoreBenchmark {
  static final int ACCOUNTS = 64;

  /** One store, one account written over and over. */
  @State(Scope.Thread)
  public static class Store {
    @Param({"file", "memory"})
    public String store;
    Path dir;
    GrantStore grants;
    AccountState account;

    @Setup
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("bg-state-");
      grants = store.equals("file") ? FileGrantStore.open(dir.resolve("state")) : new InMemoryGrantStore();
      account = grants.account("db");
    }

    @TearDown
    public void tearDown() throws IOException {
      grants.close();
      delete(dir);
    }
  }

  /** An engine on the embedded defaults with the grant store named by {@code store}. */
  @State(Scope.Thread)
  public static class Engine {
    @Param({"file", "memory"})
    public String store;
    Path dir;
    BreakGlass engine;
    EmergencyAccessGrant last;
    int next;

    @Setup
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("bg-engine-");
      engine = requestEngine(dir).property("grant-store", store).build();
    }

    /** Ends the grant and rotates its account (an issued grant taints it), outside the measurement. */
    @TearDown(Level.Invocation)
    public void closeGrant() {
      if (last != null) {
        engine.close(last.id(), "alice");
        engine.sweep();
        last = null;
      }
    }

    @TearDown
    public void tearDown() throws IOException {
      engine.close();
      delete(dir);
    }
  }

  @Benchmark
  public AccountState stateWrite(Store s) {
    AccountState next = s.account.heldBy(s.account.holder() == null ? "g" : null);
    if (!s.grants.replaceAccount(s.account, next)) {
      throw new IllegalStateException("uncontended compare-and-set failed");
    }
    s.account = next;
    return next;
  }

  @Benchmark
  public EmergencyAccessGrant requestToGrant(Engine e) {
    String account = "acct-" + (e.next++ % ACCOUNTS);
    e.last = e.engine.requestAccess(AccessRequest.builder().requester("alice").account(account)
        .reason("benchmark").duration(Duration.ofMinutes(5)).build());
    return e.last;
  }

  /**
   * An engine builder on the embedded defaults for the request benchmarks: {@link #ACCOUNTS} accounts
   * needing no approvals, no rate limit in the way, credentials in memory, rotation into the vault.
   */
  static BreakGlassEngine.Builder requestEngine(Path dir) {
    BreakGlassPolicy.Builder policy = BreakGlassPolicy.builder()
        .rateLimit(new BreakGlassPolicy.RateLimit(Integer.MAX_VALUE, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    MapVault vault = new MapVault();
    for (int i = 0; i < ACCOUNTS; i++) {
      policy.account(AccountPolicy.builder("acct-" + i).requesters("alice").approvals(0)
          .maxDuration(Duration.ofMinutes(30)).emergencyRequired(false).build());
      vault.write("acct-" + i, ("secret-" + i).toCharArray());
    }
    return BreakGlassEngine.builder().policy(policy.build()).dataDirectory(dir).vault(vault)
        .rotator(new MapRotator()).fingerprintKey(new byte[32]).background(false);
  }

  /** Credentials in memory: the benchmark is about state, not vaults. */
  static final class MapVault implements CredentialVault {
    private final Map<String, char[]> secrets = new ConcurrentHashMap<>();

    @Override
    public Set<String> accounts() {
      return Set.copyOf(secrets.keySet());
    }

    @Override
    public Credential read(String account) {
      return Credential.copyOf(account, secrets.get(account));
    }

    @Override
    public void write(String account, char[] secret) {
      secrets.put(account, secret.clone());
    }
  }

  /** Rotates by writing a new value into the vault: every account is clean again after the sweep. */
  static final class MapRotator implements CredentialRotator {
    private int rotations;

    @Override
    public String name() {
      return "map";
    }

    @Override
    public boolean supports(String account) {
      return true;
    }

    @Override
    public void rotate(String account, CredentialVault vault) {
      vault.write(account, ("rotated-" + ++rotations).toCharArray());
    }
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

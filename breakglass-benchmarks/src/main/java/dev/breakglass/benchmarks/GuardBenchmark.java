package dev.breakglass.benchmarks;

import dev.breakglass.AccountPolicy;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.LoginAttempt;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.JsonLinesAuditSink;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Invariant 8, measured: while the primary identity provider is healthy, a login through
 * {@link BreakGlass#guard} costs what the bare authenticator costs plus one volatile read.
 * {@code bare} is the baseline: the same authenticator called directly, in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GuardBenchmark {
  private Path dir;
  private BreakGlass breakGlass;
  private EncryptedFileVault vault;
  private Authenticator primary;
  private Authenticator guarded;
  private LoginAttempt attempt;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("guard-bench");
    vault = EncryptedFileVault.create(dir.resolve("vault.json"), "benchmark passphrase".toCharArray(),
        Argon2Parameters.recommended());
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("prod-db-admin").requesters("alice").build()).build();
    breakGlass = BreakGlassEngine.builder().policy(policy).dataDirectory(dir).vault(vault)
        .auditSink(JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))).background(false).build();
    AuthenticatedPrincipal jane = AuthenticatedPrincipal.of("jane");
    // A primary that does a little real work (compares the secret) and allocates nothing.
    char[] expected = "jane-password".toCharArray();
    primary = a -> {
      char[] s = a.secret();
      int diff = s.length ^ expected.length;
      for (int i = 0; i < Math.min(s.length, expected.length); i++) {
        diff |= s[i] ^ expected[i];
      }
      if (diff != 0) {
        throw new dev.breakglass.AuthenticationFailedException("rejected");
      }
      return jane;
    };
    guarded = breakGlass.guard(primary);
    attempt = LoginAttempt.of("jane", "jane-password".toCharArray());
  }

  @TearDown
  public void tearDown() throws IOException {
    breakGlass.close();
    vault.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public AuthenticatedPrincipal bare() {
    return primary.authenticate(attempt);
  }

  @Benchmark
  public AuthenticatedPrincipal guardedHealthy() {
    return guarded.authenticate(attempt);
  }
}

package dev.breakglass.benchmarks;

import dev.breakglass.AccountPolicy;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.JsonLinesAuditSink;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import dev.breakglass.spring.security.BreakGlassAuthenticationProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The guard inside Spring Security: a sign-in through a {@link ProviderManager} holding a
 * {@link BreakGlassAuthenticationProvider} around the application's provider, while the primary is
 * healthy, against the same {@code ProviderManager} holding the bare provider (the baseline), in the
 * same run. The {@code *Direct} pair calls the providers without the manager.
 *
 * <pre>
 * java -jar breakglass-benchmarks/target/benchmarks.jar SpringSecurityGuardBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SpringSecurityGuardBenchmark {
  private Path dir;
  private BreakGlass breakGlass;
  private EncryptedFileVault vault;
  private AuthenticationProvider bare;
  private AuthenticationProvider guarded;
  private AuthenticationManager bareManager;
  private AuthenticationManager guardedManager;
  private Authentication attempt;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("spring-guard-bench");
    vault = EncryptedFileVault.create(dir.resolve("vault.json"), "benchmark passphrase".toCharArray(),
        Argon2Parameters.recommended());
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("prod-db-admin").requesters("alice").build()).build();
    breakGlass = BreakGlassEngine.builder().policy(policy).dataDirectory(dir).vault(vault)
        .auditSink(JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))).background(false).build();
    // An application provider that does a little real work (compares the password) and allocates
    // nothing: it answers one authenticated token made in advance.
    String expected = "jane-password";
    Authentication jane = UsernamePasswordAuthenticationToken.authenticated("jane", null,
        List.of(new SimpleGrantedAuthority("ROLE_USER")));
    bare = new AuthenticationProvider() {
      @Override
      public Authentication authenticate(Authentication authentication) {
        if (!expected.equals(authentication.getCredentials())) {
          throw new BadCredentialsException("rejected");
        }
        return jane;
      }

      @Override
      public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
      }
    };
    guarded = new BreakGlassAuthenticationProvider(breakGlass, bare, "ROLE_BREAK_GLASS");
    ProviderManager b = new ProviderManager(bare);
    b.setEraseCredentialsAfterAuthentication(false);
    ProviderManager g = new ProviderManager(guarded);
    g.setEraseCredentialsAfterAuthentication(false);
    bareManager = b;
    guardedManager = g;
    attempt = UsernamePasswordAuthenticationToken.unauthenticated("jane", "jane-password");
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
  public Authentication managerBare() {
    return bareManager.authenticate(attempt);
  }

  @Benchmark
  public Authentication managerGuardedHealthy() {
    return guardedManager.authenticate(attempt);
  }

  @Benchmark
  public Authentication providerBareDirect() {
    return bare.authenticate(attempt);
  }

  @Benchmark
  public Authentication providerGuardedHealthyDirect() {
    return guarded.authenticate(attempt);
  }
}

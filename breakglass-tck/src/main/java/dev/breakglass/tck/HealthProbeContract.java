package dev.breakglass.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link HealthProbe} must meet. Extend it once per way your target can fail,
 * start a healthy target before each test, and supply the three methods below:
 *
 * <pre>{@code
 * class MyProbeTest {
 *   MyTestServer server;                          // a real target, started per test
 *
 *   @BeforeEach void start() { server = MyTestServer.start(); }
 *   @AfterEach void stop() { server.stop(); }
 *
 *   @Nested class WhenTheServerIsStopped extends HealthProbeContract {
 *     @Override protected HealthProbe createProbe() { return new MyProbe(server.url(), Duration.ofSeconds(1)); }
 *     @Override protected void makeTargetUnhealthy() { server.stop(); }
 *   }
 *
 *   @Nested class WhenTheServerAnswers500 extends HealthProbeContract { ... }
 * }
 * }</pre>
 *
 * <p>What it proves: a healthy target gives a healthy result; an unhealthy one an unhealthy result
 * whose detail says something; {@link HealthProbe#check()} never throws, neither on a failing
 * target nor after {@link HealthProbe#close()}; concurrent checks are safe; the name is stable; and
 * no configured secret (see {@link #secrets()}) appears in the name, {@code toString()} or any
 * detail.
 *
 * <p>Each test has a generous time limit only as a safety net, so that a probe that never returns
 * fails the build instead of hanging it; the contract asserts nothing about speed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class HealthProbeContract {
  private static final int CONCURRENT_CHECKS = 8;

  private HealthProbe probe;

  /**
   * A new probe aimed at the target, which is healthy when this is called. Called at most once per
   * test, after the subclass's own {@code @BeforeEach} methods.
   *
   * @return the probe under test
   */
  protected abstract HealthProbe createProbe();

  /**
   * Breaks the target so that the next check must report it unhealthy (stop the server, make it
   * answer 500, or the like).
   *
   * @throws Exception if the target cannot be broken; the test fails
   */
  protected abstract void makeTargetUnhealthy() throws Exception;

  /**
   * Configuration values the probe must never reveal (passwords, tokens, secret URL parts). None by
   * default.
   *
   * @return the secret values to look for in results and exceptions
   */
  protected Set<String> secrets() {
    return Set.of();
  }

  /**
   * The probe under test, created on first use so that the subclass's target is up by then.
   *
   * @return the probe of the running test
   */
  protected final HealthProbe probeUnderTest() {
    if (probe == null) {
      probe = createProbe();
      assertThat(probe).as("createProbe()").isNotNull();
    }
    return probe;
  }

  @AfterEach
  void closeProbe() {
    if (probe != null) {
      probe.close();
    }
  }

  @Test
  void healthyTargetGivesHealthyResult() {
    ProbeResult result = probeUnderTest().check();

    assertThat(result.healthy()).as("healthy with detail '%s'", result.detail()).isTrue();
    assertThat(result.latency().isNegative()).as("negative latency %s", result.latency()).isFalse();
  }

  @Test
  void unhealthyTargetGivesUnhealthyResultWithDetail() throws Exception {
    probeUnderTest();
    makeTargetUnhealthy();

    ProbeResult result = probeUnderTest().check();

    assertThat(result.healthy()).as("healthy with detail '%s'", result.detail()).isFalse();
    assertThat(result.detail()).as("detail of an unhealthy result").isNotBlank();
    assertThat(result.latency().isNegative()).as("negative latency %s", result.latency()).isFalse();
  }

  @Test
  void checkNeverThrowsWhetherTargetIsHealthyOrNot() throws Exception {
    assertThatCode(() -> assertThat(probeUnderTest().check()).isNotNull()).doesNotThrowAnyException();
    makeTargetUnhealthy();
    for (int i = 0; i < 2; i++) {
      assertThatCode(() -> assertThat(probeUnderTest().check().healthy()).isFalse()).doesNotThrowAnyException();
    }
  }

  @Test
  void checkAfterCloseDoesNotThrow() {
    HealthProbe p = probeUnderTest();
    p.close();

    assertThatCode(() -> assertThat(p.check()).isNotNull()).doesNotThrowAnyException();
  }

  @Test
  void nameIsNotBlankAndStable() {
    String name = probeUnderTest().name();
    probeUnderTest().check();

    assertThat(name).isNotBlank();
    assertThat(probeUnderTest().name()).isEqualTo(name);
  }

  @Test
  void concurrentChecksOfAHealthyTargetAllReportHealthy() throws Exception {
    HealthProbe p = probeUnderTest();
    CyclicBarrier start = new CyclicBarrier(CONCURRENT_CHECKS);
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT_CHECKS);
    try {
      List<Future<ProbeResult>> results = new ArrayList<>();
      for (int i = 0; i < CONCURRENT_CHECKS; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return p.check();
        }));
      }
      for (Future<ProbeResult> f : results) {
        ProbeResult r = f.get();
        assertThat(r.healthy()).as("healthy with detail '%s'", r.detail()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @TestFactory
  Stream<DynamicTest> noConfiguredSecretIsEverRevealed() {
    return secrets().stream().map(secret -> DynamicTest.dynamicTest("secret #" + secret.length(), () -> {
      assertThat(secret).as("a secret under test").isNotBlank();
      List<String> seen = new ArrayList<>();
      seen.add(probeUnderTest().name());
      seen.add(String.valueOf(probeUnderTest()));
      seen.add(probeUnderTest().check().detail());
      makeTargetUnhealthy();
      seen.add(probeUnderTest().check().detail());
      for (String text : seen) {
        assertThat(text).as("probe output").doesNotContain(secret);
      }
    }));
  }
}

package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.Authenticator;
import dev.breakglass.LoginAttempt;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 8: while the primary is healthy, the guarded call adds no allocation (and, by
 * construction, no lock and no I/O) to the bare call. Speed is measured by the JMH benchmark; this
 * counts bytes, which is exact and unaffected by a noisy machine.
 */
class HealthyPathTest {
  @TempDir Path dir;

  @Test
  void guardedCallAllocatesNothingWhileThePrimaryIsHealthy() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    AuthenticatedPrincipal jane = AuthenticatedPrincipal.of("jane");
    Authenticator primary = attempt -> jane;
    LoginAttempt attempt = LoginAttempt.of("jane", "pw".toCharArray());
    try (EngineFixture f = new EngineFixture(dir)) {
      Authenticator guarded = f.engine.guard(primary);
      int calls = 200_000;
      long bare = allocatedBy(threads, primary, attempt, calls);
      long withGuard = allocatedBy(threads, guarded, attempt, calls);
      assertThat(guarded.authenticate(attempt)).isSameAs(jane);
      assertThat(withGuard - bare).as("bytes allocated by %d guarded calls beyond the bare calls", calls)
          .isLessThan(calls / 100);
    }
  }

  private static long allocatedBy(com.sun.management.ThreadMXBean threads, Authenticator a, LoginAttempt attempt,
      int calls) {
    for (int i = 0; i < calls; i++) {
      a.authenticate(attempt);
    }
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < calls; i++) {
      a.authenticate(attempt);
    }
    return threads.getThreadAllocatedBytes(id) - before;
  }
}

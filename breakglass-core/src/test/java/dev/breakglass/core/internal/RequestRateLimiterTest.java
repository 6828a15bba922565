package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.BreakGlassPolicy.RateLimit;
import dev.breakglass.RateLimitedException;
import dev.breakglass.tck.fixtures.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestRateLimiterTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
  final RequestRateLimiter limiter =
      new RequestRateLimiter(new RateLimit(3, Duration.ofMinutes(1), Duration.ofMinutes(8)), clock,
          new ThrottleLedger(new InMemoryGrantStore()));

  @Test
  void allowsMaxRequestsPerWindowThenBlocks() {
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("alice")).isEmpty();
    }
    assertThat(limiter.tryAcquire("alice")).contains(Duration.ofMinutes(1));
    assertThat(limiter.tryAcquire("bob")).as("limits are per requester").isEmpty();
  }

  @Test
  void attemptsWhileBlockedDoubleTheWaitUpToTheCap() {
    for (int i = 0; i < 4; i++) {
      limiter.tryAcquire("alice");
    }
    assertThat(limiter.tryAcquire("alice")).contains(Duration.ofMinutes(2));
    assertThat(limiter.tryAcquire("alice")).contains(Duration.ofMinutes(4));
    assertThat(limiter.tryAcquire("alice")).contains(Duration.ofMinutes(8));
    assertThat(limiter.tryAcquire("alice")).contains(Duration.ofMinutes(8));
  }

  @Test
  void blockEndsAfterTheBackoffSoNobodyIsLockedOutForGood() {
    for (int i = 0; i < 4; i++) {
      limiter.tryAcquire("alice");
    }
    clock.advance(Duration.ofMinutes(1));
    assertThat(limiter.tryAcquire("alice")).isEqualTo(Optional.empty());
  }

  @Test
  void engineRefusesTheRequestWithRetryAfter(@TempDir Path dir) {
    try (EngineFixture f = new EngineFixture(dir, EngineFixture.policyBuilder()
        .rateLimit(new RateLimit(2, Duration.ofMinutes(10), Duration.ofHours(1))).build())) {
      f.openEmergency();
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("mallory").build()))
            .isNotInstanceOf(RateLimitedException.class);
      }
      assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("mallory").build()))
          .isInstanceOf(RateLimitedException.class)
          .satisfies(e -> assertThat(((RateLimitedException) e).retryAfter()).isEqualTo(Duration.ofMinutes(10)));
    }
  }
}

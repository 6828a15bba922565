package dev.breakglass.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.breakglass.BreakGlassPolicy.RateLimit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Limits break-glass requests per requester: {@code maxRequests} per window, then each further
 * attempt while blocked doubles the wait up to {@code maxBackoff}. Entries disappear when idle, so
 * nobody is locked out for good. Thread-safe.
 */
final class RequestRateLimiter {
  private final RateLimit limit;
  private final Clock clock;
  private final Cache<String, Window> windows;

  RequestRateLimiter(RateLimit limit, Clock clock) {
    this.limit = limit;
    this.clock = clock;
    this.windows = Caffeine.newBuilder()
        .expireAfterAccess(limit.maxBackoff().plus(limit.window()))
        .maximumSize(100_000)
        .build();
  }

  /** Counts an attempt; returns how long to wait if it is over the limit. Spellings of one name share a limit. */
  Optional<Duration> tryAcquire(String requester) {
    Window w = windows.get(dev.breakglass.Identity.key(requester), k -> new Window());
    synchronized (w) {
      Instant now = clock.instant();
      if (w.blockedUntil != null && now.isBefore(w.blockedUntil)) {
        w.strikes++;
        w.blockedUntil = now.plus(backoff(w.strikes));
        return Optional.of(Duration.between(now, w.blockedUntil));
      }
      if (w.start == null || !now.isBefore(w.start.plus(limit.window()))) {
        w.start = now;
        w.count = 0;
        if (w.blockedUntil != null) {
          w.blockedUntil = null;
          w.strikes = 0;
        }
      }
      if (w.count >= limit.maxRequests()) {
        w.strikes = 1;
        w.blockedUntil = now.plus(backoff(1));
        return Optional.of(Duration.between(now, w.blockedUntil));
      }
      w.count++;
      return Optional.empty();
    }
  }

  private Duration backoff(int strikes) {
    Duration d = limit.window();
    for (int i = 1; i < strikes && d.compareTo(limit.maxBackoff()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(limit.maxBackoff()) > 0 ? limit.maxBackoff() : d;
  }

  private static final class Window {
    Instant start;
    int count;
    Instant blockedUntil;
    int strikes;
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.BreakGlassPolicy.RateLimit;
import dev.breakglass.spi.ThrottleState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Limits break-glass requests per requester: {@code maxRequests} per window, then each further
 * attempt while blocked doubles the wait up to {@code maxBackoff}. The counts live in the grant store
 * under {@value #PREFIX}{@code <requester>} ({@link ThrottleLedger}), so a restart resets nobody's
 * limit; a key idle for {@code maxBackoff + window} is forgotten, so nobody is locked out for good.
 * Thread-safe.
 */
final class RequestRateLimiter {
  /** The key prefix of request limits in the store. */
  static final String PREFIX = "request:";

  private final RateLimit limit;
  private final Clock clock;
  private final ThrottleLedger throttles;

  RequestRateLimiter(RateLimit limit, Clock clock, ThrottleLedger throttles) {
    this.limit = limit;
    this.clock = clock;
    this.throttles = throttles;
  }

  /** Counts an attempt; returns how long to wait if it is over the limit. Spellings of one name share a limit. */
  Optional<Duration> tryAcquire(String requester) {
    Instant now = clock.instant();
    ThrottleState w = throttles.update(PREFIX + dev.breakglass.Identity.key(requester), now, s -> count(s, now));
    Instant blocked = w.blockedUntil();
    return blocked != null && now.isBefore(blocked) ? Optional.of(Duration.between(now, blocked)) : Optional.empty();
  }

  /** The next state after one attempt at {@code now}: counted, or (over the limit) blocked with backoff. */
  private ThrottleState count(ThrottleState w, Instant now) {
    @Nullable Instant start = w.windowStart();
    int count = w.count();
    int strikes = w.strikes();
    @Nullable Instant blocked = w.blockedUntil();
    if (blocked != null && now.isBefore(blocked)) {
      strikes++;
      blocked = now.plus(backoff(strikes));
    } else {
      if (start == null || !now.isBefore(start.plus(limit.window()))) {
        start = now;
        count = 0;
        blocked = null;
        strikes = 0;
      }
      if (count >= limit.maxRequests()) {
        strikes = 1;
        blocked = now.plus(backoff(1));
      } else {
        count++;
      }
    }
    return w.next(start, count, strikes, blocked, now.plus(limit.maxBackoff()).plus(limit.window()));
  }

  private Duration backoff(int strikes) {
    Duration d = limit.window();
    for (int i = 1; i < strikes && d.compareTo(limit.maxBackoff()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(limit.maxBackoff()) > 0 ? limit.maxBackoff() : d;
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.ThrottleState;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * Rate limits and throttles kept in the {@link GrantStore} by key, so that counts and backoff survive a
 * restart and are shared by every engine on the store. A record past its {@code expiresAt} counts
 * nothing: it reads as a fresh key (keeping its version, so the compare-and-set still works) until the
 * sweep {@linkplain #purge purges} it. Thread-safe (the store arbitrates between threads and nodes).
 */
final class ThrottleLedger {
  private final GrantStore store;

  ThrottleLedger(GrantStore store) {
    this.store = store;
  }

  /** The state of {@code key} as it counts at {@code now}. */
  ThrottleState read(String key, Instant now) {
    return live(store.throttle(key), now);
  }

  /**
   * Applies {@code change} to the live state of {@code key} until its compare-and-set wins.
   *
   * @param change returns {@code live.next(...)} (it may run more than once, on fresher states)
   * @return the state stored
   */
  ThrottleState update(String key, Instant now, UnaryOperator<ThrottleState> change) {
    while (true) {
      ThrottleState stored = store.throttle(key);
      ThrottleState next = change.apply(live(stored, now));
      if (store.replaceThrottle(stored, next)) {
        return next;
      }
    }
  }

  /** Removes every record expired at {@code now}; returns how many. */
  int purge(Instant now) {
    return store.purgeThrottles(now);
  }

  private static ThrottleState live(ThrottleState stored, Instant now) {
    return stored.isExpired(now) ? new ThrottleState(stored.key(), null, 0, 0, null, null, stored.version()) : stored;
  }
}

package dev.breakglass.spi;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stored counter with a window and a backoff, kept by key, so that rate limits and throttles survive
 * restarts. The engine keeps its per-requester request limits under {@code request:<requester>} and the
 * throttles of refused break-glass logins under {@code login-account:<account>} and
 * {@code login-client:<address>}; a record past its {@code expiresAt} counts nothing. What the fields mean is up
 * to the throttle that writes them; the store keeps them as they are, versioned like
 * {@link GrantRecord}. Immutable.
 *
 * <pre>{@code
 * ThrottleState t = store.throttle("request:alice");
 * ThrottleState next = t.next(now, t.count() + 1, t.strikes(), t.blockedUntil(), now.plus(idle));
 * if (!store.replaceThrottle(t, next)) {
 *   // another thread or node counted first: read again and retry
 * }
 * }</pre>
 *
 * <p>A record whose {@link #expiresAt()} has passed means nothing any more: {@link GrantStore#purgeThrottles}
 * removes it, after which {@link GrantStore#throttle} returns {@link #initial} again.
 *
 * @param key what is counted, e.g. {@code request:alice}
 * @param windowStart when the current counting window started, if one has
 * @param count events counted in the current window
 * @param strikes consecutive events refused while blocked (drives the backoff)
 * @param blockedUntil until when events are refused, if they are
 * @param expiresAt after this instant the record is equivalent to {@link #initial} and may be purged
 * @param version optimistic-concurrency version, starting at 0
 */
public record ThrottleState(String key, @Nullable Instant windowStart, int count, int strikes,
    @Nullable Instant blockedUntil, @Nullable Instant expiresAt, long version) {

  /**
   * Checks the fields: a key is required and the counters are never negative.
   *
   * @param key what is counted
   * @param windowStart when the counting window started, or {@code null}
   * @param count events counted in the window, never negative
   * @param strikes consecutive refusals while blocked, never negative
   * @param blockedUntil until when events are refused, or {@code null}
   * @param expiresAt when the record means nothing any more, or {@code null}
   * @param version optimistic-concurrency version
   * @throws IllegalArgumentException if a counter is negative
   */
  public ThrottleState {
    Objects.requireNonNull(key, "key");
    if (count < 0 || strikes < 0) {
      throw new IllegalArgumentException("count and strikes must not be negative, were " + count + " and " + strikes);
    }
  }

  /**
   * The state of a key never counted (or purged): nothing counted, version 0.
   *
   * @param key what is counted
   * @return the state at version 0
   */
  public static ThrottleState initial(String key) {
    return new ThrottleState(key, null, 0, 0, null, null, 0);
  }

  /**
   * The next version with the given counters.
   *
   * @param windowStart when the counting window started, or {@code null}
   * @param count events counted in the window
   * @param strikes consecutive refusals while blocked
   * @param blockedUntil until when events are refused, or {@code null}
   * @param expiresAt when the record may be purged
   * @return the next version
   */
  public ThrottleState next(@Nullable Instant windowStart, int count, int strikes, @Nullable Instant blockedUntil,
      Instant expiresAt) {
    return new ThrottleState(key, windowStart, count, strikes, blockedUntil, Objects.requireNonNull(expiresAt,
        "expiresAt"), version + 1);
  }

  /**
   * Whether the record has expired at {@code now} (and may be purged).
   *
   * @param now the current time
   * @return whether the record has expired
   */
  public boolean isExpired(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.spi.ThrottleState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Backoff for refused break-glass logins, kept per account and per client address. Each key may
 * fail {@code maxFailures} times within {@code window}; the failure that reaches the limit blocks
 * the key for {@code initialBlock}, and each further block of the same key (before it has been quiet
 * for {@code maxBlock}) doubles, up to {@code maxBlock}. While either the account or the client of an
 * attempt is blocked, the attempt is refused without looking at its credential. Nobody is locked out
 * for good: blocks end, and idle keys are forgotten.
 *
 * <p>The state lives in the grant store ({@link ThrottleLedger}) under {@value #ACCOUNT_PREFIX}{@code <account>}
 * and {@value #CLIENT_PREFIX}{@code <client>}, so a restart lifts no block and forgets no failure. A key
 * expires once it has been quiet for {@code maxBlock} after its last failure and the end of its last
 * block, which is also when its blocks start short again; the sweep purges it. Only a checked, refused
 * attempt writes: while an account is blocked its attempts are turned away without a write, so a flood
 * of invented client addresses cannot grow the store faster than the per-account limit lets it.
 * Thread-safe.
 */
final class LoginThrottle {
  /** The key prefix of per-account login throttles in the store. */
  static final String ACCOUNT_PREFIX = "login-account:";
  /** The key prefix of per-client login throttles in the store. */
  static final String CLIENT_PREFIX = "login-client:";

  /**
   * The limits of one table.
   *
   * @param maxFailures failures allowed within {@code window}; the one that reaches it blocks
   * @param window how far back failures count
   * @param initialBlock the first block
   * @param maxBlock the longest block, and how long a key must be quiet before its blocks start short again
   *     (at least {@code window}: a quiet key has no failures left in its window)
   */
  record Limits(int maxFailures, Duration window, Duration initialBlock, Duration maxBlock) {
    /** Per client address: 5 failures a minute, then 1 min doubling to 15 min. */
    static final Limits PER_CLIENT = new Limits(5, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(15));
    /**
     * Per account: 20 failures a minute, then 30 s doubling to 5 min. Higher and shorter than per
     * client, because a storm against an account also keeps its legitimate user out while it is blocked.
     */
    static final Limits PER_ACCOUNT = new Limits(20, Duration.ofMinutes(1), Duration.ofSeconds(30),
        Duration.ofMinutes(5));

    Limits {
      if (maxFailures < 1) {
        throw new IllegalArgumentException("maxFailures must be at least 1, was " + maxFailures);
      }
      for (Duration d : new Duration[] {window, initialBlock, maxBlock}) {
        if (d == null || d.isZero() || d.isNegative()) {
          throw new IllegalArgumentException("login throttle durations must be positive, were " + window + ", "
              + initialBlock + ", " + maxBlock);
        }
      }
      if (initialBlock.compareTo(maxBlock) > 0) {
        throw new IllegalArgumentException("initialBlock " + initialBlock + " exceeds maxBlock " + maxBlock);
      }
      if (window.compareTo(maxBlock) > 0) {
        throw new IllegalArgumentException("window " + window + " exceeds maxBlock " + maxBlock);
      }
    }

    Duration block(int strikes) {
      Duration d = initialBlock;
      for (int i = 1; i < strikes && d.compareTo(maxBlock) < 0; i++) {
        d = d.multipliedBy(2);
      }
      return d.compareTo(maxBlock) > 0 ? maxBlock : d;
    }
  }

  private final Table accounts;
  private final Table clients;

  LoginThrottle(Limits perAccount, Limits perClient, Clock clock, ThrottleLedger throttles) {
    this.accounts = new Table(ACCOUNT_PREFIX, perAccount, clock, throttles);
    this.clients = new Table(CLIENT_PREFIX, perClient, clock, throttles);
  }

  /** The end of the block on this account or client, whichever is later; {@code null} if neither is blocked. */
  @Nullable Instant blockedUntil(String account, String client) {
    Instant a = accounts.blockedUntil(account);
    Instant c = clients.blockedUntil(client);
    if (a == null) {
      return c;
    }
    return c == null || a.isAfter(c) ? a : c;
  }

  /** A login was checked and refused: it counts against the account and the client. */
  void failed(String account, String client) {
    accounts.failed(account);
    clients.failed(client);
  }

  /** A login succeeded: the client's failures are forgiven (the account's are not: others may be guessing). */
  void succeeded(String account, String client) {
    clients.forget(client);
  }

  /** One kind of key, with its limits, in the store. */
  private static final class Table {
    private final String prefix;
    private final Limits limits;
    private final Clock clock;
    private final ThrottleLedger throttles;

    Table(String prefix, Limits limits, Clock clock, ThrottleLedger throttles) {
      this.prefix = prefix;
      this.limits = limits;
      this.clock = clock;
      this.throttles = throttles;
    }

    @Nullable Instant blockedUntil(String key) {
      Instant now = clock.instant();
      Instant blocked = throttles.read(prefix + key, now).blockedUntil();
      return blocked != null && now.isBefore(blocked) ? blocked : null;
    }

    void failed(String key) {
      Instant now = clock.instant();
      throttles.update(prefix + Objects.requireNonNull(key, "key"), now, e -> failure(e, now));
    }

    /**
     * One more failure at {@code now}. The record expires {@code maxBlock} after this failure or the end of
     * the block it starts, whichever is later: a key quiet that long reads as new, its strikes forgotten.
     */
    private ThrottleState failure(ThrottleState e, Instant now) {
      @Nullable Instant windowStart = e.windowStart();
      int failures = e.count();
      int strikes = e.strikes();
      @Nullable Instant blocked = e.blockedUntil();
      if (windowStart == null || !now.isBefore(windowStart.plus(limits.window()))) {
        windowStart = now;
        failures = 0;
      }
      failures++;
      if (failures >= limits.maxFailures()) {
        strikes++;
        blocked = now.plus(limits.block(strikes));
        windowStart = null;
        failures = 0;
      }
      Instant busyUntil = blocked != null && blocked.isAfter(now) ? blocked : now;
      return e.next(windowStart, failures, strikes, blocked, busyUntil.plus(limits.maxBlock()));
    }

    /** Clears the key (written as already expired, so the sweep purges it); no write if nothing is counted. */
    void forget(String key) {
      Instant now = clock.instant();
      ThrottleState live = throttles.read(prefix + key, now);
      if (live.count() == 0 && live.strikes() == 0 && live.blockedUntil() == null) {
        return;
      }
      throttles.update(prefix + key, now, e -> e.next(null, 0, 0, null, now));
    }
  }
}

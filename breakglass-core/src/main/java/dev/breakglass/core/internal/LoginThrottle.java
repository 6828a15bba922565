package dev.breakglass.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
 * <p>Three calls make the whole interface ({@link #blockedUntil}, {@link #failed},
 * {@link #succeeded}), so the state can later move into a durable or shared store. For now it lives in
 * memory (at most {@value #MAX_KEYS} keys of each kind; the least recently used go first) and is lost
 * on restart. Thread-safe.
 */
final class LoginThrottle {
  /** Keys kept per table: a flood of invented client addresses evicts old ones, never grows without end. */
  static final int MAX_KEYS = 100_000;

  /**
   * The limits of one table.
   *
   * @param maxFailures failures allowed within {@code window}; the one that reaches it blocks
   * @param window how far back failures count
   * @param initialBlock the first block
   * @param maxBlock the longest block, and how long a key must be quiet before its blocks start short again
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

  LoginThrottle(Limits perAccount, Limits perClient, Clock clock) {
    this.accounts = new Table(perAccount, clock);
    this.clients = new Table(perClient, clock);
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

  /** One table of keys with their failures and blocks. */
  private static final class Table {
    private final Limits limits;
    private final Clock clock;
    private final Cache<String, Entry> entries;

    Table(Limits limits, Clock clock) {
      this.limits = limits;
      this.clock = clock;
      this.entries = Caffeine.newBuilder()
          .expireAfterAccess(limits.maxBlock().plus(limits.window()))
          .maximumSize(MAX_KEYS)
          .build();
    }

    @Nullable Instant blockedUntil(String key) {
      Entry e = entries.getIfPresent(key);
      if (e == null) {
        return null;
      }
      synchronized (e) {
        Instant now = clock.instant();
        return e.blockedUntil != null && now.isBefore(e.blockedUntil) ? e.blockedUntil : null;
      }
    }

    void failed(String key) {
      Entry e = entries.get(Objects.requireNonNull(key, "key"), k -> new Entry());
      synchronized (e) {
        Instant now = clock.instant();
        // Quiet for maxBlock after the last failure and the end of the last block: start short again.
        Instant busyUntil = e.blockedUntil != null && e.blockedUntil.isAfter(e.lastFailure) ? e.blockedUntil
            : e.lastFailure;
        if (busyUntil != null && !now.isBefore(busyUntil.plus(limits.maxBlock()))) {
          e.strikes = 0;
        }
        e.lastFailure = now;
        if (e.windowStart == null || !now.isBefore(e.windowStart.plus(limits.window()))) {
          e.windowStart = now;
          e.failures = 0;
        }
        e.failures++;
        if (e.failures >= limits.maxFailures()) {
          e.strikes++;
          e.blockedUntil = now.plus(limits.block(e.strikes));
          e.windowStart = null;
          e.failures = 0;
        }
      }
    }

    void forget(String key) {
      entries.invalidate(key);
    }
  }

  private static final class Entry {
    @Nullable Instant windowStart;
    int failures;
    int strikes;
    @Nullable Instant blockedUntil;
    @Nullable Instant lastFailure;
  }
}

package dev.breakglass.core.vault;

import dev.breakglass.ReasonCode;
import dev.breakglass.VaultException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Slows down guessing of vault passphrases: after consecutive wrong passphrases for one vault file,
 * the next attempt is refused until an exponentially growing delay has passed (the first mistake is
 * free, then 1 s, 2 s, 4 s, … up to {@link #MAX_DELAY}). A refused attempt does not run Argon2 and
 * does not count as a failure. A correct passphrase clears the record. The lock is never permanent.
 *
 * <p>Attempts on the same file are serialized, so parallel guesses cannot slip through together.
 * State is per process: it slows a guesser who goes through this library, while Argon2id is what
 * slows one who has copied the file. Thread-safe.
 */
final class UnlockThrottle {
  /** The longest wait between attempts. */
  static final Duration MAX_DELAY = Duration.ofMinutes(10);
  private static final Duration BASE_DELAY = Duration.ofSeconds(1);
  private static final UnlockThrottle SHARED = new UnlockThrottle(Clock.systemUTC());

  private final Clock clock;
  private final ConcurrentMap<Path, State> states = new ConcurrentHashMap<>();

  private static final class State {
    int failures;
    Instant lastFailure = Instant.EPOCH;
  }

  /** A throttle with its own state, reading time from {@code clock}. */
  UnlockThrottle(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The process-wide throttle the factory methods use by default. */
  static UnlockThrottle shared() {
    return SHARED;
  }

  /** How long to wait after {@code failures} consecutive wrong passphrases. */
  static Duration delayAfter(int failures) {
    if (failures <= 1) {
      return Duration.ZERO;
    }
    int doublings = Math.min(failures - 2, 20);
    Duration d = BASE_DELAY.multipliedBy(1L << doublings);
    return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
  }

  /** Consecutive wrong passphrases recorded for {@code file}. */
  int failures(Path file) {
    State s = states.get(key(file));
    if (s == null) {
      return 0;
    }
    synchronized (s) {
      return s.failures;
    }
  }

  /**
   * Runs one unlock attempt of {@code file} unless the file is locked out.
   *
   * @param attempt returns normally for a correct passphrase, throws {@link WrongPassphrase} for a
   *     wrong one; any other exception passes through and is not counted
   * @throws VaultException with {@link ReasonCode#RATE_LIMITED} while locked out, or with a
   *     "wrong passphrase" message when the attempt fails
   */
  <T> T attempt(Path file, Supplier<T> attempt) {
    State s = states.computeIfAbsent(key(file), k -> new State());
    synchronized (s) {
      Instant now = clock.instant();
      Instant allowedAt = s.lastFailure.plus(delayAfter(s.failures));
      if (s.failures > 0 && now.isBefore(allowedAt)) {
        Duration wait = Duration.between(now, allowedAt);
        throw new VaultException(ReasonCode.RATE_LIMITED, "vault " + file + " is locked after " + s.failures
            + " wrong passphrases in a row; retry in " + Math.max(1, (wait.toMillis() + 999) / 1000) + "s");
      }
      try {
        T result = attempt.get();
        s.failures = 0;
        return result;
      } catch (WrongPassphrase e) {
        s.failures++;
        s.lastFailure = clock.instant();
        Duration next = delayAfter(s.failures);
        throw new VaultException("wrong passphrase for vault " + file + " (or its key header was altered)"
            + (next.isZero() ? "" : "; next attempt allowed in " + next.toSeconds() + "s"));
      }
    }
  }

  private static Path key(Path file) {
    return file.toAbsolutePath().normalize();
  }

  /** Signals a wrong passphrase to {@link #attempt}. */
  static final class WrongPassphrase extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrongPassphrase() {
      super("wrong passphrase", null, false, false);
    }
  }
}

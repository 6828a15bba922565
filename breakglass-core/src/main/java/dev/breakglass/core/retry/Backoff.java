package dev.breakglass.core.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * When to try a failed operation again: exponential backoff with a cap and jitter. The delay
 * before retry number {@code n} (after {@code n} failures) is
 *
 * <pre>  base(n)  = min(cap, initial * multiplier^(n-1))
 *  delay(n) = base(n) * (1 - jitter * r),   r uniform in [0, 1)</pre>
 *
 * so it lies in {@code (base(n) * (1 - jitter), base(n)]} and never exceeds the cap. A jitter of 0
 * gives exact exponential delays; 1 gives "full jitter". Jitter spreads out retries of many
 * accounts that failed together, so they do not hit a recovering server at the same instant.
 *
 * <pre>{@code
 * Backoff backoff = Backoff.builder()
 *     .initialDelay(Duration.ofSeconds(30)).multiplier(2).maxDelay(Duration.ofHours(1))
 *     .jitter(0.2).maxAttempts(10).build();
 * if (backoff.allowsRetryAfter(failures)) {
 *   scheduler.schedule(retry, backoff.delayAfter(failures).toMillis(), MILLISECONDS);
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe, provided the injected {@link RandomGenerator} is (the default draws
 * from {@link ThreadLocalRandom} on the calling thread).
 */
public final class Backoff {
  private final Duration initialDelay;
  private final double multiplier;
  private final Duration maxDelay;
  private final double jitter;
  private final int maxAttempts;
  private final @Nullable RandomGenerator random;

  private Backoff(Builder builder) {
    this.initialDelay = builder.initialDelay;
    this.multiplier = builder.multiplier;
    this.maxDelay = builder.maxDelay;
    this.jitter = builder.jitter;
    this.maxAttempts = builder.maxAttempts;
    this.random = builder.random;
  }

  /** A builder starting from {@link #ofDefaults()}'s settings. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The defaults for rotation retries: 30 s, doubling, capped at 1 h, 20 % jitter, unlimited
   * attempts (a tainted account stays tainted until rotation succeeds, so giving up helps nobody).
   */
  public static Backoff ofDefaults() {
    return builder().build();
  }

  /**
   * The delay to wait after {@code failures} consecutive failures before trying again.
   *
   * @param failures at least 1
   * @throws IllegalArgumentException if {@code failures < 1}
   */
  public Duration delayAfter(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be at least 1, was " + failures);
    }
    double capNanos = maxDelay.toNanos();
    // Math.pow overflows to infinity for large counts, and min() then picks the cap.
    double base = Math.min(capNanos, initialDelay.toNanos() * Math.pow(multiplier, failures - 1));
    double r = random == null ? ThreadLocalRandom.current().nextDouble() : random.nextDouble();
    double jittered = base * (1.0 - jitter * r);
    return Duration.ofNanos((long) Math.min(capNanos, Math.max(0.0, jittered)));
  }

  /** Whether another attempt is allowed after {@code failures} failures (always, if unlimited). */
  public boolean allowsRetryAfter(int failures) {
    return maxAttempts == 0 || failures < maxAttempts;
  }

  public Duration initialDelay() {
    return initialDelay;
  }

  public double multiplier() {
    return multiplier;
  }

  public Duration maxDelay() {
    return maxDelay;
  }

  public double jitter() {
    return jitter;
  }

  /** The most attempts in total, counting the first; 0 means unlimited. */
  public int maxAttempts() {
    return maxAttempts;
  }

  @Override
  public String toString() {
    return "Backoff[initial=" + initialDelay + ", multiplier=" + multiplier + ", max=" + maxDelay + ", jitter="
        + jitter + ", maxAttempts=" + (maxAttempts == 0 ? "unlimited" : maxAttempts) + "]";
  }

  /** Builds a {@link Backoff}; every setter checks its argument at once. Not thread-safe. */
  public static final class Builder {
    private Duration initialDelay = Duration.ofSeconds(30);
    private double multiplier = 2.0;
    private Duration maxDelay = Duration.ofHours(1);
    private double jitter = 0.2;
    private int maxAttempts = 0;
    private @Nullable RandomGenerator random;

    private Builder() {}

    /** The delay after the first failure; positive. */
    public Builder initialDelay(Duration initialDelay) {
      Objects.requireNonNull(initialDelay, "initialDelay");
      if (initialDelay.isNegative() || initialDelay.isZero()) {
        throw new IllegalArgumentException("initialDelay must be positive, was " + initialDelay);
      }
      this.initialDelay = initialDelay;
      return this;
    }

    /** The growth factor per failure; between 1 and 100. */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
        throw new IllegalArgumentException("multiplier must be between 1 and 100, was " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /** The cap on any delay; positive, and checked against the initial delay by {@link #build()}. */
    public Builder maxDelay(Duration maxDelay) {
      Objects.requireNonNull(maxDelay, "maxDelay");
      if (maxDelay.isNegative() || maxDelay.isZero()) {
        throw new IllegalArgumentException("maxDelay must be positive, was " + maxDelay);
      }
      this.maxDelay = maxDelay;
      return this;
    }

    /** The fraction of each delay that is random: 0 (none) to 1 (full jitter). */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0.0 && jitter <= 1.0)) {
        throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /** The most attempts in total, counting the first; 0 for unlimited. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 0) {
        throw new IllegalArgumentException("maxAttempts must be 0 (unlimited) or positive, was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The source of jitter; by default {@link ThreadLocalRandom} of the calling thread. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** @throws IllegalArgumentException if the cap is below the initial delay */
    public Backoff build() {
      if (maxDelay.compareTo(initialDelay) < 0) {
        throw new IllegalArgumentException("maxDelay " + maxDelay + " must not be below initialDelay " + initialDelay);
      }
      return new Backoff(this);
    }
  }
}

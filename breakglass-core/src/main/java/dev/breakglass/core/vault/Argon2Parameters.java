package dev.breakglass.core.vault;

/**
 * Argon2id cost parameters for deriving a vault's key-encryption key from its passphrase. They are
 * stored in the vault file, so a vault always opens with the parameters it was created with.
 *
 * <p>{@link #recommended()} is OWASP's minimum recommendation (19 MiB, 2 iterations, 1 lane);
 * raise the memory where unlocking may take longer. Lower values are accepted (tests use them) but
 * {@link #isBelowRecommendation()} reports them. Upper bounds keep a tampered vault file from making
 * an unlock exhaust memory. Immutable and thread-safe.
 */
public final class Argon2Parameters {
  /** OWASP's minimum for Argon2id: 19 MiB. */
  public static final int RECOMMENDED_MEMORY_KIB = 19 * 1024;
  public static final int RECOMMENDED_ITERATIONS = 2;
  public static final int RECOMMENDED_PARALLELISM = 1;

  /** 4 GiB: more than any sane unlock uses, less than a tampered file could ask for. */
  public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
  public static final int MAX_ITERATIONS = 64;
  public static final int MAX_PARALLELISM = 16;

  private static final Argon2Parameters RECOMMENDED =
      new Argon2Parameters(RECOMMENDED_MEMORY_KIB, RECOMMENDED_ITERATIONS, RECOMMENDED_PARALLELISM);

  private final int memoryKiB;
  private final int iterations;
  private final int parallelism;

  private Argon2Parameters(int memoryKiB, int iterations, int parallelism) {
    this.memoryKiB = memoryKiB;
    this.iterations = iterations;
    this.parallelism = parallelism;
  }

  /** OWASP's recommended minimum: 19 MiB memory, 2 iterations, 1 lane. */
  public static Argon2Parameters recommended() {
    return RECOMMENDED;
  }

  /**
   * Explicit parameters.
   *
   * @param memoryKiB memory in KiB, at least 8 per lane, at most {@link #MAX_MEMORY_KIB}
   * @param iterations passes over memory, 1 to {@link #MAX_ITERATIONS}
   * @param parallelism lanes, 1 to {@link #MAX_PARALLELISM}
   * @throws IllegalArgumentException naming the bad value
   */
  public static Argon2Parameters of(int memoryKiB, int iterations, int parallelism) {
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw new IllegalArgumentException(
          "Argon2 parallelism must be 1.." + MAX_PARALLELISM + ", was " + parallelism);
    }
    if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
      throw new IllegalArgumentException("Argon2 memory must be " + 8 * parallelism + ".." + MAX_MEMORY_KIB
          + " KiB for " + parallelism + " lane(s), was " + memoryKiB);
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException(
          "Argon2 iterations must be 1.." + MAX_ITERATIONS + ", was " + iterations);
    }
    return new Argon2Parameters(memoryKiB, iterations, parallelism);
  }

  public int memoryKiB() {
    return memoryKiB;
  }

  public int iterations() {
    return iterations;
  }

  public int parallelism() {
    return parallelism;
  }

  /** Whether memory or iterations are below {@link #recommended()}. */
  public boolean isBelowRecommendation() {
    return memoryKiB < RECOMMENDED_MEMORY_KIB || iterations < RECOMMENDED_ITERATIONS;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Argon2Parameters p
        && p.memoryKiB == memoryKiB && p.iterations == iterations && p.parallelism == parallelism;
  }

  @Override
  public int hashCode() {
    return (memoryKiB * 31 + iterations) * 31 + parallelism;
  }

  @Override
  public String toString() {
    return "Argon2id[memory=" + memoryKiB + " KiB, iterations=" + iterations + ", parallelism=" + parallelism + "]";
  }
}

package dev.breakglass.core.rotation;

/**
 * Cost parameters for Argon2id verifiers. The defaults are OWASP's recommended minimum for
 * password storage (19 MiB of memory, 2 iterations, 1 lane); weaker settings are refused so that a
 * configuration mistake cannot quietly make verifiers cheap to attack. Raise them if verifying one
 * credential may take longer: each verification costs {@link #memoryKiB()} of memory while it runs.
 *
 * <pre>{@code
 * Argon2idParameters stronger = new Argon2idParameters(64 * 1024, 3, 1);  // 64 MiB, 3 passes
 * }</pre>
 *
 * @param memoryKiB memory per verification in KiB; at least {@value #MIN_MEMORY_KIB} (19 MiB), at
 *     most {@value #MAX_MEMORY_KIB} (4 GiB)
 * @param iterations passes over memory; at least {@value #MIN_ITERATIONS}, at most {@value
 *     #MAX_ITERATIONS}
 * @param parallelism lanes; at least 1, at most {@value #MAX_PARALLELISM}
 */
public record Argon2idParameters(int memoryKiB, int iterations, int parallelism) {
  /** OWASP's minimum memory for Argon2id with 2 iterations: 19 MiB. */
  public static final int MIN_MEMORY_KIB = 19 * 1024;
  /** The most memory accepted: 4 GiB. */
  public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
  /** OWASP's minimum iterations at {@link #MIN_MEMORY_KIB}. */
  public static final int MIN_ITERATIONS = 2;
  /** The most iterations accepted. */
  public static final int MAX_ITERATIONS = 64;
  /** The most lanes accepted. */
  public static final int MAX_PARALLELISM = 16;
  /** Salt length in bytes; a fresh salt is drawn for every credential. */
  public static final int SALT_BYTES = 16;
  /** Verifier length in bytes. */
  public static final int HASH_BYTES = 32;

  /**
   * @throws IllegalArgumentException naming the parameter that is out of range and the allowed range
   */
  public Argon2idParameters {
    if (memoryKiB < MIN_MEMORY_KIB || memoryKiB > MAX_MEMORY_KIB) {
      throw new IllegalArgumentException("Argon2id memory must be between " + MIN_MEMORY_KIB + " KiB (19 MiB, "
          + "OWASP's minimum) and " + MAX_MEMORY_KIB + " KiB, was " + memoryKiB + " KiB");
    }
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("Argon2id iterations must be between " + MIN_ITERATIONS
          + " (OWASP's minimum) and " + MAX_ITERATIONS + ", was " + iterations);
    }
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw new IllegalArgumentException("Argon2id parallelism must be between 1 and " + MAX_PARALLELISM
          + ", was " + parallelism);
    }
  }

  /** OWASP's recommended minimum: 19 MiB, 2 iterations, 1 lane. */
  public static Argon2idParameters defaults() {
    return new Argon2idParameters(MIN_MEMORY_KIB, MIN_ITERATIONS, 1);
  }
}

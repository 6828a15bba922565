package dev.breakglass.core.vault;

import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

/**
 * Argon2id cost parameters, the one type for everything in breakglass that stretches a secret: the
 * key-encryption key of a vault (derived from its passphrase and stored with the vault file, so a
 * vault always opens with the parameters it was created with) and the verifiers of ephemeral
 * credentials ({@link dev.breakglass.core.rotation.EphemeralCredentials}).
 *
 * <p>The minimum is OWASP's recommendation for Argon2id, which is also {@link #recommended()}:
 * 19 MiB of memory, 2 iterations, 1 lane. Weaker settings are refused so a configuration mistake
 * cannot quietly make a vault or a verifier cheap to attack. Upper bounds keep a tampered vault file
 * from making an unlock exhaust memory. Raise memory or iterations where a derivation may take
 * longer: each one holds {@link #memoryKiB()} while it runs.
 *
 * <pre>{@code
 * Argon2Parameters stronger = Argon2Parameters.of(64 * 1024, 3, 1);  // 64 MiB, 3 passes
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param memoryKiB memory per derivation in KiB; {@value #MIN_MEMORY_KIB} (19 MiB) to {@value
 *     #MAX_MEMORY_KIB} (4 GiB)
 * @param iterations passes over memory; {@value #MIN_ITERATIONS} to {@value #MAX_ITERATIONS}
 * @param parallelism lanes; 1 to {@value #MAX_PARALLELISM}
 */
public record Argon2Parameters(int memoryKiB, int iterations, int parallelism) {
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

  private static final Argon2Parameters RECOMMENDED = new Argon2Parameters(MIN_MEMORY_KIB, MIN_ITERATIONS, 1);

  /**
   * @throws IllegalArgumentException naming the parameter that is out of range and the allowed range
   */
  public Argon2Parameters {
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

  /** OWASP's recommended minimum, the default everywhere: 19 MiB memory, 2 iterations, 1 lane. */
  public static Argon2Parameters recommended() {
    return RECOMMENDED;
  }

  /**
   * Explicit parameters; the same as the constructor.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public static Argon2Parameters of(int memoryKiB, int iterations, int parallelism) {
    return new Argon2Parameters(memoryKiB, iterations, parallelism);
  }

  /**
   * Argon2id (version 1.3, Bouncy Castle) of the UTF-8 bytes of {@code secret} with {@code salt}.
   * The caller keeps and wipes {@code secret} and owns (and wipes) the result; the intermediate
   * UTF-8 copy is wiped here.
   *
   * @throws IllegalArgumentException if {@code secret} is not valid UTF-16 (an unpaired surrogate)
   * @param length the number of bytes to derive
   */
  public byte[] derive(char[] secret, byte[] salt, int length) {
    byte[] password = VaultCrypto.utf8(secret);
    org.bouncycastle.crypto.params.Argon2Parameters bc =
        new org.bouncycastle.crypto.params.Argon2Parameters.Builder(
            org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
            .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKiB)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt)
            .build();
    try {
      Argon2BytesGenerator generator = new Argon2BytesGenerator();
      generator.init(bc);
      byte[] out = new byte[length];
      generator.generateBytes(password, out);
      return out;
    } finally {
      Arrays.fill(password, (byte) 0);
      bc.clear();
    }
  }

  @Override
  public String toString() {
    return "Argon2id[memory=" + memoryKiB + " KiB, iterations=" + iterations + ", parallelism=" + parallelism + "]";
  }
}

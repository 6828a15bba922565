package dev.breakglass.core.rotation;

import java.security.SecureRandom;
import java.util.BitSet;
import java.util.Objects;

/**
 * Makes fresh random secrets: each character drawn uniformly and independently from an alphabet
 * with {@link SecureRandom}. Construction refuses an alphabet with repeated, control or whitespace
 * characters, and any combination that would give fewer than {@value #MIN_ENTROPY_BITS} bits of
 * entropy, with a message that names the numbers.
 *
 * <pre>{@code
 * SecretGenerator generator = SecretGenerator.alphanumeric(32);   // about 190 bits
 * char[] secret = generator.generate();
 * try {
 *   vault.write(account, secret);
 * } finally {
 *   Arrays.fill(secret, '\0');
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link SecureRandom} is safe to share between threads.
 */
public final class SecretGenerator {
  /** Letters and digits: 62 characters that need no quoting in any configuration format or SQL literal. */
  public static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** The default length: 32 alphanumeric characters carry about 190 bits. */
  public static final int DEFAULT_LENGTH = 32;

  /** The least entropy a generated secret may have. */
  public static final int MIN_ENTROPY_BITS = 128;

  /** The longest secret this class makes. */
  public static final int MAX_LENGTH = 1024;

  private final char[] alphabet;
  private final int length;
  private final SecureRandom random;

  private SecretGenerator(String alphabet, int length, SecureRandom random) {
    this.alphabet = validAlphabet(alphabet);
    this.length = validLength(length, this.alphabet.length);
    this.random = Objects.requireNonNull(random, "random");
  }

  /** {@value #DEFAULT_LENGTH} characters from {@link #ALPHANUMERIC}. */
  public static SecretGenerator defaults() {
    return alphanumeric(DEFAULT_LENGTH);
  }

  /** {@code length} characters from {@link #ALPHANUMERIC}; at least 22 for 128 bits. */
  public static SecretGenerator alphanumeric(int length) {
    return of(ALPHANUMERIC, length);
  }

  /** {@code length} characters from {@code alphabet}, with a new {@link SecureRandom}. */
  public static SecretGenerator of(String alphabet, int length) {
    return new SecretGenerator(alphabet, length, new SecureRandom());
  }

  /** {@code length} characters from {@code alphabet}, drawn from {@code random}. */
  public static SecretGenerator of(String alphabet, int length, SecureRandom random) {
    return new SecretGenerator(alphabet, length, random);
  }

  /** A fresh secret. The caller owns the array and wipes it after use. */
  public char[] generate() {
    char[] secret = new char[length];
    for (int i = 0; i < length; i++) {
      secret[i] = alphabet[random.nextInt(alphabet.length)];
    }
    return secret;
  }

  /** The number of characters in each secret. */
  public int length() {
    return length;
  }

  /** The characters secrets are drawn from. */
  public String alphabet() {
    return new String(alphabet);
  }

  /** The entropy of one secret in bits: {@code length * log2(alphabet size)}. */
  public double entropyBits() {
    return entropyBits(length, alphabet.length);
  }

  @Override
  public String toString() {
    return "SecretGenerator[length=" + length + ", alphabetSize=" + alphabet.length + ", entropyBits="
        + Math.round(entropyBits()) + "]";
  }

  private static double entropyBits(int length, int alphabetSize) {
    return length * (Math.log(alphabetSize) / Math.log(2));
  }

  private static char[] validAlphabet(String alphabet) {
    Objects.requireNonNull(alphabet, "alphabet");
    BitSet seen = new BitSet(Character.MAX_VALUE + 1);
    for (int i = 0; i < alphabet.length(); i++) {
      char c = alphabet.charAt(i);
      if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSurrogate(c)) {
        throw new IllegalArgumentException("secret alphabet must not contain control, whitespace or surrogate "
            + "characters; found U+" + String.format("%04X", (int) c) + " at index " + i);
      }
      if (seen.get(c)) {
        throw new IllegalArgumentException("secret alphabet repeats the character '" + c + "' (index " + i
            + "); repeated characters make some characters likelier than others");
      }
      seen.set(c);
    }
    if (alphabet.length() < 2) {
      throw new IllegalArgumentException("secret alphabet needs at least 2 distinct characters, has "
          + alphabet.length());
    }
    return alphabet.toCharArray();
  }

  private static int validLength(int length, int alphabetSize) {
    if (length < 1 || length > MAX_LENGTH) {
      throw new IllegalArgumentException("secret length must be between 1 and " + MAX_LENGTH + ", was " + length);
    }
    double bits = entropyBits(length, alphabetSize);
    if (bits < MIN_ENTROPY_BITS) {
      int needed = (int) Math.ceil(MIN_ENTROPY_BITS / (Math.log(alphabetSize) / Math.log(2)));
      throw new IllegalArgumentException("a secret of " + length + " characters from an alphabet of "
          + alphabetSize + " has " + Math.round(bits) + " bits of entropy; at least " + MIN_ENTROPY_BITS
          + " are required, so use a length of at least " + needed);
    }
    return length;
  }
}

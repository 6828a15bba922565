package dev.breakglass.postgresql;

import java.security.SecureRandom;

/**
 * Draws role passwords uniformly from letters and digits with {@link SecureRandom}. The restricted
 * alphabet means a password never needs quoting anywhere (SQL literal, connection string, shell),
 * and 32 characters of it carry about 190 bits. Thread-safe.
 */
final class PasswordGenerator {
  static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final SecureRandom random;
  private final int length;

  PasswordGenerator(SecureRandom random, int length) {
    this.random = random;
    this.length = length;
  }

  /** A fresh password; the caller owns and wipes it. */
  char[] generate() {
    char[] password = new char[length];
    for (int i = 0; i < length; i++) {
      password[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    }
    return password;
  }

  int length() {
    return length;
  }
}

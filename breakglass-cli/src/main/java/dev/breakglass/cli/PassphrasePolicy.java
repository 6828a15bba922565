package dev.breakglass.cli;

import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The least a new vault passphrase must be: long enough, and not one character or a short run
 * repeated, nor a straight run of the keyboard or alphabet. The vault's Argon2id slows guessing;
 * it cannot save {@code abc}. Messages never contain the passphrase.
 */
final class PassphrasePolicy {
  static final int MIN_LENGTH = 12;
  static final int MIN_DISTINCT = 5;
  static final String ADVICE = "; choose at least " + MIN_LENGTH + " characters, e.g. four or five random words";

  private PassphrasePolicy() {}

  /** Why {@code p} is too weak, or {@code null} if it is acceptable. */
  static @Nullable String weakness(char[] p) {
    int length = Character.codePointCount(p, 0, p.length);
    if (length < MIN_LENGTH) {
      return "it has " + length + (length == 1 ? " character" : " characters") + ", fewer than " + MIN_LENGTH;
    }
    Set<Character> distinct = new HashSet<>();
    for (char c : p) {
      distinct.add(Character.toLowerCase(c));
    }
    if (distinct.size() < MIN_DISTINCT) {
      return "it uses only " + distinct.size() + " different characters";
    }
    for (int unit = 1; unit <= p.length / 2; unit++) {
      if (p.length % unit == 0 && repeats(p, unit)) {
        return "it repeats the same " + unit + " characters";
      }
    }
    if (straightRun(p)) {
      return "it is a straight run of characters (like abcdef or 123456)";
    }
    return null;
  }

  private static boolean repeats(char[] p, int unit) {
    for (int i = unit; i < p.length; i++) {
      if (p[i] != p[i - unit]) {
        return false;
      }
    }
    return true;
  }

  private static boolean straightRun(char[] p) {
    int step = p[1] - p[0];
    if (Math.abs(step) != 1) {
      return false;
    }
    for (int i = 2; i < p.length; i++) {
      if (p[i] - p[i - 1] != step) {
        return false;
      }
    }
    return true;
  }
}

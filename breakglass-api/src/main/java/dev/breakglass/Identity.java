package dev.breakglass;

import java.text.Normalizer;
import java.util.Collection;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The one rule for names of people (requesters, custodians, incident declarers, actors) and of
 * break-glass accounts: when a name is valid, and when two names are the same identity.
 *
 * <h2>Valid names</h2>
 * A name is not blank, at most {@value #MAX_LENGTH} characters long, has no whitespace at either
 * end, and holds none of the characters {@link FreeText#isForbidden forbidden in free text}
 * (controls, line separators, bidi controls, zero-width and other invisible characters). So
 * {@code "alice\\u200B"}, {@code "carol "} and a name with a right-to-left override are refused
 * instead of becoming a second identity that looks like the first.
 *
 * <h2>The same identity</h2>
 * Two names are the same identity when their {@linkplain #key comparison keys} are equal: Unicode
 * NFKC normalization, then case folding. {@code "Carol"} and {@code "carol"} are one person, and so
 * are {@code "ａｌｉｃｅ"} (full-width) and {@code "alice"}. The engine compares with this rule
 * everywhere a name decides something: a policy may not list one person twice, a requester never
 * approves their own request under another spelling, and an account name is recognized however it is
 * cased. Names are kept and shown as they were written; only comparisons use the key.
 *
 * <pre>{@code
 * Identity.same("Alice", "alice");                 // true
 * Identity.problem("carol ");                      // "must not start or end with whitespace"
 * Identity.require("custodian", typedName);        // throws InvalidRequestException naming the field
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Identity {
  /** The longest name: 256 characters. */
  public static final int MAX_LENGTH = 256;

  private Identity() {}

  /**
   * What is wrong with {@code name} as a name, or {@code null} if it is valid. The answer never
   * repeats the name, and names a forbidden character by its code point.
   *
   * @param name the name to check, or {@code null}
   * @return a description of the first problem, or {@code null} if the name is valid
   */
  public static @Nullable String problem(@Nullable String name) {
    if (name == null || name.isEmpty()) {
      return "must not be blank";
    }
    if (name.length() > MAX_LENGTH) {
      return "must be at most " + MAX_LENGTH + " characters, was " + name.length();
    }
    int i = 0;
    while (i < name.length()) {
      int cp = name.codePointAt(i);
      if (FreeText.isForbidden(cp)) {
        return "must not contain control characters, line separators, bidi controls or invisible format characters"
            + " (found " + FreeText.codePoint(cp) + " at position " + i + ")";
      }
      i += Character.charCount(cp);
    }
    if (name.isBlank() || isSpace(name.codePointAt(0)) || isSpace(name.codePointBefore(name.length()))) {
      return name.isBlank() ? "must not be blank" : "must not start or end with whitespace";
    }
    return null;
  }

  /**
   * {@code name} unchanged if it is a valid name.
   *
   * @param field the field name to report, such as {@code custodian}
   * @param name the name to check
   * @return {@code name}
   * @throws InvalidRequestException naming {@code field} if it is not
   */
  public static String require(String field, @Nullable String name) {
    String problem = problem(name);
    if (problem != null) {
      throw new InvalidRequestException(field, problem);
    }
    return name;
  }

  /**
   * The comparison key of {@code name}: NFKC, case-folded (upper then lower case in the root
   * locale, which folds {@code ß} to {@code ss} as full case folding does), NFKC again. Two names
   * are one identity exactly when their keys are equal. For a valid name only; the key of an
   * invalid one is well defined but meaningless.
   *
   * @param name a valid name
   * @return its comparison key
   */
  public static String key(String name) {
    String nfkc = Normalizer.normalize(name, Normalizer.Form.NFKC);
    String folded = nfkc.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    return Normalizer.isNormalized(folded, Normalizer.Form.NFKC) ? folded
        : Normalizer.normalize(folded, Normalizer.Form.NFKC);
  }

  /**
   * Whether {@code a} and {@code b} name the same identity (equal {@linkplain #key keys}).
   *
   * @param a one name
   * @param b another name
   * @return {@code true} if they are one identity
   */
  public static boolean same(String a, String b) {
    return a.equals(b) || key(a).equals(key(b));
  }

  /**
   * Whether {@code names} holds a name of the same identity as {@code name}.
   *
   * @param names the names to search
   * @param name the name to look for
   * @return {@code true} if one of {@code names} is the same identity
   */
  public static boolean contains(Collection<String> names, String name) {
    if (names.contains(name)) {
      return true;
    }
    String k = key(name);
    for (String n : names) {
      if (key(n).equals(k)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first name in {@code names} of the same identity as {@code name}, as it is written there.
   *
   * @param names the names to search
   * @param name the name to look for
   * @return the matching name from {@code names}, or {@code null} if there is none
   */
  public static @Nullable String find(Collection<String> names, String name) {
    if (names.contains(name)) {
      return name;
    }
    String k = key(name);
    for (String n : names) {
      if (key(n).equals(k)) {
        return n;
      }
    }
    return null;
  }

  private static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
  }
}

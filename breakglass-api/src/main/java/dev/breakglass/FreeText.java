package dev.breakglass;

import org.jspecify.annotations.Nullable;

/**
 * The rule for free text that people type and the engine copies into its audit log, alerts, log
 * lines and review: a request's reason and ticket, approval comments, the reasons given to deny or
 * revoke a grant and to declare or close an incident, identification evidence, client addresses.
 * Such text is bounded, and holds none of the characters that could forge or hide output:
 *
 * <ul>
 *   <li>C0 and C1 control characters (CR, LF, TAB, ESC, NUL, U+0085 ...), DEL;
 *   <li>the line and paragraph separators U+2028 and U+2029;
 *   <li>invisible format characters (Unicode category Cf): bidi embeddings, overrides and isolates
 *       (U+202A..U+202E, U+2066..U+2069), marks (U+200E, U+200F, U+061C), zero-width characters
 *       (U+200B..U+200D, U+2060, U+FEFF), the soft hyphen, tag characters;
 *   <li>other characters that render as nothing: Hangul fillers, variation selectors, the
 *       combining grapheme joiner, Mongolian free variation selectors;
 *   <li>unpaired surrogates and the noncharacters U+FFFE, U+FFFF and U+FDD0..U+FDEF.
 * </ul>
 *
 * <p>The engine applies the rule where input enters (the request and approval builders, and every
 * operation of {@link BreakGlass} that takes text) and rejects a violation with an
 * {@link InvalidRequestException} naming the field, before any state changes. Every output escapes
 * anyway ({@link #inert(String)}), so text that reaches it by another way (an error message from a
 * server, a plugin's alert) stays inert too.
 *
 * <pre>{@code
 * String reason = FreeText.require("reason", form.reason(), FreeText.MAX_REASON);
 * log.info("request: {}", FreeText.inert(untrusted));
 * }</pre>
 *
 * <p>Lengths are counted in UTF-16 code units ({@link String#length()}): a character outside the
 * Basic Multilingual Plane, such as most emoji, counts as two. Stateless and thread-safe.
 */
public final class FreeText {
  /** The longest reason (request, denial, revocation, incident): 4,096 characters. */
  public static final int MAX_REASON = 4096;
  /** The longest approval comment: 4,096 characters. */
  public static final int MAX_COMMENT = 4096;
  /** The longest ticket reference: 256 characters. */
  public static final int MAX_TICKET = 256;
  /** The longest piece of identification evidence: 512 characters. */
  public static final int MAX_EVIDENCE = 512;
  /** The longest client address: 256 characters. */
  public static final int MAX_CLIENT_ADDRESS = 256;
  /** The longest identifier (grant id, request digest): 128 characters. */
  public static final int MAX_ID = 128;
  /** The longest user name presented at a login: 512 characters. */
  public static final int MAX_USERNAME = 512;

  private FreeText() {}

  /**
   * Whether {@code codePoint} may not appear in free text (nor in a name, see {@link Identity}):
   * a control, line or paragraph separator, invisible format character, blank filler, lone
   * surrogate or noncharacter, as listed in the class comment.
   *
   * @param codePoint the Unicode code point to test
   * @return {@code true} if the code point is refused in free text and in names
   */
  public static boolean isForbidden(int codePoint) {
    switch (Character.getType(codePoint)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.SURROGATE:
        return true;
      default:
        break;
    }
    return codePoint == 0x034F // combining grapheme joiner
        || codePoint == 0x115F || codePoint == 0x1160 || codePoint == 0x3164 || codePoint == 0xFFA0 // Hangul fillers
        || codePoint == 0x17B4 || codePoint == 0x17B5 // Khmer inherent vowels (invisible)
        || (codePoint >= 0x180B && codePoint <= 0x180F) // Mongolian free variation selectors
        || (codePoint >= 0xFE00 && codePoint <= 0xFE0F) // variation selectors
        || (codePoint >= 0xE0100 && codePoint <= 0xE01EF) // variation selectors supplement
        || (codePoint >= 0xFDD0 && codePoint <= 0xFDEF) // noncharacters
        || (codePoint & 0xFFFE) == 0xFFFE; // U+xFFFE and U+xFFFF in every plane
  }

  /**
   * What is wrong with {@code text} as free text of at most {@code maxLength} characters, or
   * {@code null} if nothing is. The answer names the first offending character by its code point
   * and position, never by the character itself.
   *
   * @param text the text to check, not {@code null}
   * @param maxLength the most characters (UTF-16 code units) allowed
   * @return a description of the first problem, or {@code null} if the text is valid
   */
  public static @Nullable String problem(String text, int maxLength) {
    if (text.length() > maxLength) {
      return "must be at most " + maxLength + " characters, was " + text.length();
    }
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      if (isForbidden(cp)) {
        return "must not contain control characters, line separators, bidi controls or invisible format characters"
            + " (found " + codePoint(cp) + " at position " + i + ")";
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  /**
   * {@code text}, stripped of surrounding whitespace, if it is valid free text of at most
   * {@code maxLength} characters; {@code null} stays {@code null} (an optional field left out).
   *
   * @param field the field name to report, such as {@code reason}
   * @param text the text to check, or {@code null}
   * @param maxLength the most characters allowed
   * @return the stripped text, or {@code null} if {@code text} was {@code null}
   * @throws InvalidRequestException naming {@code field} and the problem
   */
  public static @Nullable String check(String field, @Nullable String text, int maxLength) {
    if (text == null) {
      return null;
    }
    String problem = problem(text, maxLength);
    if (problem != null) {
      throw new InvalidRequestException(field, problem);
    }
    return text.strip();
  }

  /**
   * Like {@link #check}, for a field that must be given and not blank.
   *
   * @param field the field name to report, such as {@code reason}
   * @param text the text to check
   * @param maxLength the most characters allowed
   * @return the stripped text
   * @throws InvalidRequestException naming {@code field} if {@code text} is null, blank or invalid
   */
  public static String require(String field, @Nullable String text, int maxLength) {
    if (text == null || text.isBlank()) {
      throw new InvalidRequestException(field, "must not be blank");
    }
    String checked = check(field, text, maxLength);
    return checked == null ? "" : checked;
  }

  /**
   * {@code text} with every forbidden character (see {@link #isForbidden}) written as a visible
   * {@code \\uXXXX} escape, so that it cannot start a line, reorder what a reader sees, or hide;
   * everything else is kept. Used by every output that prints text it did not compose itself. A
   * backslash is kept as it is: the escape is for people to read, not to decode.
   *
   * @param text any text, not {@code null}
   * @return the text with forbidden characters escaped; {@code text} itself if it had none
   */
  public static String inert(String text) {
    StringBuilder sb = null;
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      int n = Character.charCount(cp);
      if (isForbidden(cp)) {
        if (sb == null) {
          sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        for (int j = i; j < i + n; j++) {
          sb.append(String.format("\\u%04X", (int) text.charAt(j)));
        }
      } else if (sb != null) {
        sb.append(text, i, i + n);
      }
      i += n;
    }
    return sb == null ? text : sb.toString();
  }

  /**
   * {@link #inert(String)}, cut to at most {@code maxLength} characters of the original text
   * (then {@code ...}), for outputs that must stay short.
   *
   * @param text any text, not {@code null}
   * @param maxLength the most characters of {@code text} to keep before escaping
   * @return the escaped, possibly shortened text
   */
  public static String inert(String text, int maxLength) {
    if (text.length() <= maxLength) {
      return inert(text);
    }
    int end = maxLength;
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return inert(text.substring(0, end)) + "...";
  }

  static String codePoint(int cp) {
    return String.format("U+%04X", cp);
  }
}

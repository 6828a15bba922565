package dev.breakglass.core.text;

import dev.breakglass.FreeText;
import org.jspecify.annotations.Nullable;

/**
 * Text from a file, a server or a person, made safe to quote in an exception message, a log line or
 * an audit detail: bounded, and with control characters replaced so that quoted text cannot forge a
 * line of its own. The one place the engine, the policy loader and the health probes escape text.
 */
public final class SafeText {
  /** How much of a quoted value a message shows when the caller names no bound. */
  public static final int DEFAULT_MAX = 80;

  private SafeText() {}

  /** {@link #printable(String, int)} with {@link #DEFAULT_MAX}. */
  public static String printable(@Nullable String text) {
    return printable(text, DEFAULT_MAX);
  }

  /**
   * At most {@code max} characters of {@code text} (then {@code ...}), every character that
   * {@link FreeText#isForbidden} names (controls, line separators, bidi and invisible format
   * characters) replaced by {@code ?}; {@code null} is shown as {@code null}.
   */
  public static String printable(@Nullable String text, int max) {
    if (text == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(Math.min(text.length(), max) + 3);
    int i = 0;
    while (i < text.length() && sb.length() < max) {
      int cp = text.codePointAt(i);
      int n = Character.charCount(cp);
      if (FreeText.isForbidden(cp)) {
        sb.append('?');
      } else if (sb.length() + n <= max) {
        sb.appendCodePoint(cp);
      } else {
        break;
      }
      i += n;
    }
    if (i < text.length()) {
      sb.append("...");
    }
    return sb.toString();
  }
}

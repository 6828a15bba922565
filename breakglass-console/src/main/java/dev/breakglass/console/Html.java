package dev.breakglass.console;

import dev.breakglass.FreeText;
import java.time.Duration;

/** HTML escaping and small formatting helpers: every value written to a page goes through {@link #e}. */
final class Html {
  private Html() {}

  /**
   * Escapes text for element content and double-quoted attribute values. Control, line-separator,
   * bidi and invisible characters are shown as {@code \\uXXXX} ({@link FreeText#inert}), never
   * obeyed: they could reorder or hide what a custodian signs.
   */
  static String e(Object value) {
    String s = FreeText.inert(String.valueOf(value));
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** "12 min 5 s", "1 h 3 min", or "expired". */
  static String left(Duration d) {
    if (d.isNegative() || d.isZero()) {
      return "expired";
    }
    long s = d.toSeconds();
    if (s >= 3600) {
      return (s / 3600) + " h " + (s % 3600) / 60 + " min";
    }
    return (s / 60) + " min " + (s % 60) + " s";
  }
}

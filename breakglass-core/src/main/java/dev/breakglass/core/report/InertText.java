package dev.breakglass.core.report;

/**
 * Makes logged free text inert before any renderer escapes it for its format: control characters
 * (CR, LF, ESC...), bidi overrides and isolates, zero-width and other invisible format characters
 * and line/paragraph separators become visible {@code \\u202E}-style escapes, so a hostile reason
 * can neither reorder what a reviewer reads, nor hide text, nor start a new line in a table.
 */
public final class InertText {
  private InertText() {}

  /** {@code text} with every control, format or separator character shown as {@code \\uXXXX}. */
  public static String of(String text) {
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (hidden(c)) {
        if (sb == null) {
          sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        sb.append(String.format("\\u%04X", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? text : sb.toString();
  }

  private static boolean hidden(char c) {
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        // Hangul fillers render as blank space: text could hide behind them.
        || c == '\u115F' || c == '\u1160' || c == '\u3164' || c == '\uFFA0';
  }
}

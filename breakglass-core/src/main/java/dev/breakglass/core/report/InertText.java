package dev.breakglass.core.report;

import dev.breakglass.FreeText;

/**
 * Makes logged free text inert before any renderer escapes it for its format: control characters
 * (CR, LF, ESC...), bidi overrides and isolates, zero-width and other invisible format characters
 * and line/paragraph separators become visible {@code \\u202E}-style escapes, so a hostile reason
 * can neither reorder what a reviewer reads, nor hide text, nor start a new line in a table.
 */
public final class InertText {
  private InertText() {}

  /**
   * {@code text} with every character {@link FreeText#isForbidden} names shown as {@code \\uXXXX}
   * (the one rule every output shares, {@link FreeText#inert}).
   */
  public static String of(String text) {
    return FreeText.inert(text);
  }
}

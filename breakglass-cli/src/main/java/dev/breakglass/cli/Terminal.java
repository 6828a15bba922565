package dev.breakglass.cli;

import java.io.Console;
import org.jspecify.annotations.Nullable;

/** Where secrets are typed: the process's console, without echo. */
interface Terminal {
  /** Whether a person can be asked (a console is attached). */
  boolean interactive();

  /**
   * Shows {@code prompt} and reads one line without echo; the caller wipes the result.
   *
   * @return the line, or {@code null} at end of input
   */
  char @Nullable [] readSecret(String prompt);

  /** The process's console, if it has one. */
  static Terminal system() {
    return new Terminal() {
      @Override
      public boolean interactive() {
        return System.console() != null;
      }

      @Override
      public char @Nullable [] readSecret(String prompt) {
        Console console = System.console();
        return console == null ? null : console.readPassword("%s", prompt);
      }
    };
  }
}

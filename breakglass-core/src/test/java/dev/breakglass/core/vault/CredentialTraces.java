package dev.breakglass.core.vault;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Renders an exception with its causes for "no secret in here" assertions. */
final class CredentialTraces {
  private CredentialTraces() {}

  static String of(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w + " " + t;
  }
}

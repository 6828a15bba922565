package dev.breakglass;

import java.util.Objects;

/**
 * The root of every exception breakglass throws. Unchecked; {@link #code()} tells a caller what
 * happened without parsing the message. Messages never contain secret material.
 */
public class BreakGlassException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ReasonCode code;

  public BreakGlassException(ReasonCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public BreakGlassException(ReasonCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The machine-readable reason. */
  public ReasonCode code() {
    return code;
  }
}

package dev.breakglass;

import java.util.Objects;

/**
 * The root of every exception breakglass throws. Unchecked; {@link #code()} tells a caller what
 * happened without parsing the message. Messages never contain secret material.
 */
public class BreakGlassException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ReasonCode code;

  /**
   * An exception with a reason code.
   *
   * @param code the machine-readable reason
   * @param message a human-readable explanation; never secret material
   * @throws NullPointerException if {@code code} is null
   */
  public BreakGlassException(ReasonCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * An exception with a reason code and its underlying cause.
   *
   * @param code the machine-readable reason
   * @param message a human-readable explanation; never secret material
   * @param cause the underlying failure
   * @throws NullPointerException if {@code code} is null
   */
  public BreakGlassException(ReasonCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * The machine-readable reason. Switch on it rather than parsing {@link #getMessage()}.
   *
   * @return the reason code
   */
  public ReasonCode code() {
    return code;
  }
}

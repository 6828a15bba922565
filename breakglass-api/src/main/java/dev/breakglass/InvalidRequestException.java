package dev.breakglass;

/** Input was malformed. It was rejected before any state changed. */
public class InvalidRequestException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidRequestException(String field, String message) {
    super(ReasonCode.INVALID_REQUEST, field + ": " + message);
    this.field = field;
  }

  /** The name of the offending field. */
  public String field() {
    return field;
  }
}

package dev.breakglass;

/** Input was malformed. It was rejected before any state changed. */
public class InvalidRequestException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * Malformed input; the message reads {@code <field>: <message>}.
   *
   * @param field the name of the offending field
   * @param message what is wrong with it
   */
  public InvalidRequestException(String field, String message) {
    super(ReasonCode.INVALID_REQUEST, field + ": " + message);
    this.field = field;
  }

  /**
   * The name of the offending field.
   *
   * @return the field name, for example {@code requester}
   */
  public String field() {
    return field;
  }
}

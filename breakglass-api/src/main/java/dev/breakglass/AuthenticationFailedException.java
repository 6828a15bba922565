package dev.breakglass;

/** The presented credentials were rejected. The message never contains the secret. */
public class AuthenticationFailedException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  /**
   * A plain rejection, with reason {@link ReasonCode#INVALID_CREDENTIALS}.
   *
   * @param message what was rejected; never the secret
   */
  public AuthenticationFailedException(String message) {
    super(ReasonCode.INVALID_CREDENTIALS, message);
  }

  /**
   * A rejection with a more specific reason, for example {@link ReasonCode#NOT_IN_EMERGENCY}.
   *
   * @param code the specific reason
   * @param message what was rejected; never the secret
   */
  public AuthenticationFailedException(ReasonCode code, String message) {
    super(code, message);
  }
}

package dev.breakglass;

/**
 * The primary identity provider could not answer (timeout, refused connection, server error). An
 * {@link Authenticator} throws it to tell the guard that this was no plain rejection.
 */
public class PrimaryUnavailableException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  public PrimaryUnavailableException(String message) {
    super(ReasonCode.PRIMARY_UNAVAILABLE, message);
  }

  public PrimaryUnavailableException(String message, Throwable cause) {
    super(ReasonCode.PRIMARY_UNAVAILABLE, message, cause);
  }
}

package dev.breakglass;

/**
 * The primary identity provider could not answer (timeout, refused connection, server error). An
 * {@link Authenticator} throws it to tell the guard that this was no plain rejection.
 */
public class PrimaryUnavailableException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  /**
   * The primary could not answer.
   *
   * @param message what failed (for example the endpoint and the error)
   */
  public PrimaryUnavailableException(String message) {
    super(ReasonCode.PRIMARY_UNAVAILABLE, message);
  }

  /**
   * The primary could not answer, with the underlying failure.
   *
   * @param message what failed
   * @param cause the underlying failure, for example a timeout
   */
  public PrimaryUnavailableException(String message, Throwable cause) {
    super(ReasonCode.PRIMARY_UNAVAILABLE, message, cause);
  }
}

package dev.breakglass;

/**
 * The audit sink could not make a record durable. The operation it was auditing did not happen
 * (breakglass fails closed on audit).
 */
public class AuditUnavailableException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  /**
   * The sink failed, with the underlying failure.
   *
   * @param message what could not be written and where
   * @param cause the underlying failure, for example an {@link java.io.IOException}
   */
  public AuditUnavailableException(String message, Throwable cause) {
    super(ReasonCode.AUDIT_UNAVAILABLE, message, cause);
  }

  /**
   * The sink failed.
   *
   * @param message what could not be written and where
   */
  public AuditUnavailableException(String message) {
    super(ReasonCode.AUDIT_UNAVAILABLE, message);
  }
}

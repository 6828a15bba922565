package dev.breakglass;

/**
 * The audit sink could not make a record durable. The operation it was auditing did not happen
 * (breakglass fails closed on audit).
 */
public class AuditUnavailableException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  public AuditUnavailableException(String message, Throwable cause) {
    super(ReasonCode.AUDIT_UNAVAILABLE, message, cause);
  }

  public AuditUnavailableException(String message) {
    super(ReasonCode.AUDIT_UNAVAILABLE, message);
  }
}

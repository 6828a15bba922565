package dev.breakglass;

import org.jspecify.annotations.Nullable;

/**
 * A request, approval, release or login was refused by policy. Nothing changed except the audit
 * record of the refusal.
 */
public class AccessDeniedException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String grantId;

  /**
   * A refusal that concerns no particular grant.
   *
   * @param code why, for callers that act on it
   * @param message a human-readable explanation naming what to fix
   */
  public AccessDeniedException(ReasonCode code, String message) {
    this(code, message, null);
  }

  /**
   * A refusal of an operation on one grant.
   *
   * @param code why, for callers that act on it
   * @param message a human-readable explanation naming what to fix
   * @param grantId the grant concerned, or {@code null}
   */
  public AccessDeniedException(ReasonCode code, String message, @Nullable String grantId) {
    super(code, message);
    this.grantId = grantId;
  }

  /**
   * The grant the refused operation concerned, if there was one.
   *
   * @return the grant id, or {@code null}
   */
  public @Nullable String grantId() {
    return grantId;
  }
}

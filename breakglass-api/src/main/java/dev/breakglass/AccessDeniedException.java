package dev.breakglass;

import org.jspecify.annotations.Nullable;

/**
 * A request, approval, release or login was refused by policy. Nothing changed except the audit
 * record of the refusal.
 */
public class AccessDeniedException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String grantId;

  public AccessDeniedException(ReasonCode code, String message) {
    this(code, message, null);
  }

  public AccessDeniedException(ReasonCode code, String message, @Nullable String grantId) {
    super(code, message);
    this.grantId = grantId;
  }

  /** The grant the refused operation concerned, if there was one. */
  public @Nullable String grantId() {
    return grantId;
  }
}

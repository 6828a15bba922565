package dev.breakglass;

/** The credential vault could not open, read or write. Never carries secret material. */
public class VaultException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  public VaultException(String message) {
    super(ReasonCode.VAULT_UNAVAILABLE, message);
  }

  public VaultException(String message, Throwable cause) {
    super(ReasonCode.VAULT_UNAVAILABLE, message, cause);
  }

  /**
   * For a vault failure with a more specific reason, for example {@link ReasonCode#RATE_LIMITED}
   * when repeated wrong passphrases lock a vault for a while.
   */
  public VaultException(ReasonCode code, String message) {
    super(code, message);
  }
}

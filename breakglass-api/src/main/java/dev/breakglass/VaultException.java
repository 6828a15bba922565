package dev.breakglass;

/** The credential vault could not open, read or write. Never carries secret material. */
public class VaultException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  /**
   * A vault failure with reason {@link ReasonCode#VAULT_UNAVAILABLE}.
   *
   * @param message what failed and what to check (a path, a property); never secret material
   */
  public VaultException(String message) {
    super(ReasonCode.VAULT_UNAVAILABLE, message);
  }

  /**
   * A vault failure with reason {@link ReasonCode#VAULT_UNAVAILABLE} and its underlying cause.
   *
   * @param message what failed and what to check; never secret material
   * @param cause the underlying failure, for example an {@link java.io.IOException}
   */
  public VaultException(String message, Throwable cause) {
    super(ReasonCode.VAULT_UNAVAILABLE, message, cause);
  }

  /**
   * For a vault failure with a more specific reason, for example {@link ReasonCode#RATE_LIMITED}
   * when repeated wrong passphrases lock a vault for a while.
   *
   * @param code the specific reason
   * @param message what failed and what to do; never secret material
   */
  public VaultException(ReasonCode code, String message) {
    super(code, message);
  }
}

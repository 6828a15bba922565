package dev.breakglass;

/** A pluggable provider (vault, alert channel, probe, rotator, grant store) is missing or broken. */
public class ProviderException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  private final String provider;

  /**
   * A provider failure with its underlying cause.
   *
   * @param provider the provider's name, as configured (for example {@code vault} or {@code smtp})
   * @param message what failed and how to fix it (the property or dependency to check)
   * @param cause the underlying failure
   */
  public ProviderException(String provider, String message, Throwable cause) {
    super(ReasonCode.PROVIDER_FAILURE, message, cause);
    this.provider = provider;
  }

  /**
   * A provider failure, for example a named provider that is not on the class path.
   *
   * @param provider the provider's name, as configured
   * @param message what failed and how to fix it
   */
  public ProviderException(String provider, String message) {
    super(ReasonCode.PROVIDER_FAILURE, message);
    this.provider = provider;
  }

  /**
   * The name of the provider concerned.
   *
   * @return the provider name, as configured
   */
  public String provider() {
    return provider;
  }
}

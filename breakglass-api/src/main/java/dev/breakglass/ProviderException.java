package dev.breakglass;

/** A pluggable provider (vault, alert channel, probe, rotator, grant store) is missing or broken. */
public class ProviderException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  private final String provider;

  public ProviderException(String provider, String message, Throwable cause) {
    super(ReasonCode.PROVIDER_FAILURE, message, cause);
    this.provider = provider;
  }

  public ProviderException(String provider, String message) {
    super(ReasonCode.PROVIDER_FAILURE, message);
    this.provider = provider;
  }

  /** The name of the provider concerned. */
  public String provider() {
    return provider;
  }
}

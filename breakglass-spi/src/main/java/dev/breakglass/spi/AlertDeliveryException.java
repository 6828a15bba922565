package dev.breakglass.spi;

import dev.breakglass.BreakGlassException;
import dev.breakglass.ReasonCode;

/** An {@link AlertChannel} could not deliver an alert. */
public class AlertDeliveryException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public AlertDeliveryException(String message, boolean retryable, Throwable cause) {
    super(ReasonCode.PROVIDER_FAILURE, message, cause);
    this.retryable = retryable;
  }

  public AlertDeliveryException(String message, boolean retryable) {
    super(ReasonCode.PROVIDER_FAILURE, message);
    this.retryable = retryable;
  }

  /** Whether trying again later may succeed (a timeout or 5xx, not a 4xx). */
  public boolean retryable() {
    return retryable;
  }
}

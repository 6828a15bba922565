package dev.breakglass.spi;

import dev.breakglass.BreakGlassException;
import dev.breakglass.ReasonCode;

/** An {@link AlertChannel} could not deliver an alert. */
public class AlertDeliveryException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  /**
   * A delivery failure with its underlying cause.
   *
   * @param message what failed (the receiver and the error); no secrets
   * @param retryable whether trying again later may succeed
   * @param cause the underlying failure
   */
  public AlertDeliveryException(String message, boolean retryable, Throwable cause) {
    super(ReasonCode.PROVIDER_FAILURE, message, cause);
    this.retryable = retryable;
  }

  /**
   * A delivery failure, for example a receiver that answered with an error status.
   *
   * @param message what failed (the receiver and the error); no secrets
   * @param retryable whether trying again later may succeed
   */
  public AlertDeliveryException(String message, boolean retryable) {
    super(ReasonCode.PROVIDER_FAILURE, message);
    this.retryable = retryable;
  }

  /**
   * Whether trying again later may succeed (a timeout or 5xx, not a 4xx).
   *
   * @return {@code true} if the dispatcher should retry
   */
  public boolean retryable() {
    return retryable;
  }
}

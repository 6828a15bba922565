package dev.breakglass.core.alert.channel;

import dev.breakglass.BreakGlassException;
import dev.breakglass.ReasonCode;

/**
 * A webhook request failed {@link WebhookSignatureVerifier verification}. {@link #reason()} says why
 * in a form a receiver can count or log; the message never contains the key or the expected
 * signature.
 */
public final class WebhookSignatureException extends BreakGlassException {
  private static final long serialVersionUID = 1L;

  /** Why a request was rejected. */
  public enum Reason {
    /** The timestamp or signature header is absent. */
    MISSING_HEADER,
    /** A header is present but not in the expected form. */
    MALFORMED_HEADER,
    /** The signed timestamp is further from the receiver's clock than the tolerance: a replay or a badly skewed clock. */
    TIMESTAMP_OUT_OF_TOLERANCE,
    /** No signature in the header matches the body and timestamp under the key: forged, altered, or a different key. */
    SIGNATURE_MISMATCH
  }

  private final Reason reason;

  WebhookSignatureException(Reason reason, String message) {
    super(ReasonCode.INVALID_REQUEST, message);
    this.reason = reason;
  }

  /** Why the request was rejected. */
  public Reason reason() {
    return reason;
  }
}

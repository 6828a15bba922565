package dev.breakglass;

import java.time.Duration;

/** Too many requests from one requester. Back off for {@link #retryAfter()}; the lock is never permanent. */
public class RateLimitedException extends AccessDeniedException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  public RateLimitedException(String requester, Duration retryAfter) {
    super(ReasonCode.RATE_LIMITED,
        "too many break-glass requests from '" + requester + "'; retry after " + retryAfter.toSeconds() + "s");
    this.retryAfter = retryAfter;
  }

  /** How long the requester must wait before the next request can be considered. */
  public Duration retryAfter() {
    return retryAfter;
  }
}

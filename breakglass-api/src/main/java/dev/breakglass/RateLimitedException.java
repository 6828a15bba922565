package dev.breakglass;

import java.time.Duration;

/** Too many requests from one requester. Back off for {@link #retryAfter()}; the lock is never permanent. */
public class RateLimitedException extends AccessDeniedException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  /**
   * A refusal with reason {@link ReasonCode#RATE_LIMITED}.
   *
   * @param requester who made too many requests (named in the message)
   * @param retryAfter how long the requester must wait
   */
  public RateLimitedException(String requester, Duration retryAfter) {
    super(ReasonCode.RATE_LIMITED,
        "too many break-glass requests from '" + requester + "'; retry after " + retryAfter.toSeconds() + "s");
    this.retryAfter = retryAfter;
  }

  /**
   * How long the requester must wait before the next request can be considered.
   *
   * @return the wait, at most the policy's {@code maxBackoff}
   */
  public Duration retryAfter() {
    return retryAfter;
  }
}

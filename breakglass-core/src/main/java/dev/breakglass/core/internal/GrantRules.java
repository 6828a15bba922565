package dev.breakglass.core.internal;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccountPolicy;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.GrantStatus;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.GrantRecord;
import java.time.Clock;
import java.time.Instant;

/**
 * What a stored grant means now: its effective status against the clock (an active grant past its
 * expiry is {@link GrantStatus#EXPIRED}, a request past the approval timeout is
 * {@link GrantStatus#APPROVAL_EXPIRED}, whether or not the sweep has recorded it yet), and the
 * policy of its account. Expiry is enforced on every read through here. Thread-safe.
 */
final class GrantRules {
  private final BreakGlassPolicy policy;
  private final Clock clock;

  GrantRules(BreakGlassPolicy policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  BreakGlassPolicy policy() {
    return policy;
  }

  Instant now() {
    return clock.instant();
  }

  GrantStatus status(GrantRecord grant) {
    return status(grant, clock.instant());
  }

  GrantStatus status(GrantRecord grant, Instant now) {
    if (grant.status() == GrantStatus.ACTIVE && grant.expiresAt() != null && !now.isBefore(grant.expiresAt())) {
      return GrantStatus.EXPIRED;
    }
    if (grant.status() == GrantStatus.PENDING_APPROVAL
        && !now.isBefore(grant.requestedAt().plus(policy.approvalTimeout()))) {
      return GrantStatus.APPROVAL_EXPIRED;
    }
    return grant.status();
  }

  /**
   * The policy of the grant's account.
   *
   * @throws AccessDeniedException with {@link ReasonCode#UNKNOWN_ACCOUNT} if the policy no longer names it
   */
  AccountPolicy account(GrantRecord grant) {
    return policy.account(grant.account()).orElseThrow(() -> new AccessDeniedException(ReasonCode.UNKNOWN_ACCOUNT,
        "grant " + grant.id() + " is for '" + grant.account() + "', which the policy no longer names", grant.id()));
  }
}

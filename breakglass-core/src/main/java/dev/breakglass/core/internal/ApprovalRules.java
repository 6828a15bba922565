package dev.breakglass.core.internal;

import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.GrantStatus;
import dev.breakglass.Identity;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.GrantRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who may decide about a grant, as pure functions: separation of duties for approvals (never the
 * requester, custodians only, each once, bound to the request's digest), and who may deny, revoke
 * or close. People are compared by the {@link Identity} rule, so another spelling of a name
 * ({@code Alice} for {@code alice}) is the same person. Each returns a {@link Refusal} or {@code null} for "allowed"; nothing here audits or
 * changes state.
 */
final class ApprovalRules {
  private ApprovalRules() {}

  /**
   * Checks one approval, in the order refusals are reported: request expired, grant not pending,
   * self-approval, not a custodian, digest mismatch, duplicate, no emergency.
   *
   * @param status the grant's effective status now
   * @param approvalTimeout how long a request may wait for approvals (named in the refusal)
   */
  static @Nullable Refusal approve(GrantRecord grant, AccountPolicy account, GrantStatus status, Approval approval,
      boolean emergency, Duration approvalTimeout) {
    String custodian = approval.custodian();
    if (status == GrantStatus.APPROVAL_EXPIRED) {
      return new Refusal(ReasonCode.APPROVAL_EXPIRED,
          "request " + grant.id() + " waited longer than " + approvalTimeout + " for approvals");
    }
    if (status != GrantStatus.PENDING_APPROVAL) {
      return new Refusal(ReasonCode.GRANT_NOT_ACTIVE,
          "grant " + grant.id() + " is " + status + " and takes no approvals");
    }
    if (Identity.same(custodian, grant.requester())) {
      return new Refusal(ReasonCode.SELF_APPROVAL, custodian + " may not approve their own request " + grant.id());
    }
    if (!account.isCustodian(custodian)) {
      return new Refusal(ReasonCode.NOT_A_CUSTODIAN, custodian + " is not a custodian of " + grant.account());
    }
    if (!MessageDigest.isEqual(approval.requestDigest().getBytes(StandardCharsets.UTF_8),
        grant.requestDigest().getBytes(StandardCharsets.UTF_8))) {
      return new Refusal(ReasonCode.APPROVAL_MISMATCH,
          "approval by " + custodian + " was made for a different request than " + grant.id());
    }
    if (grant.approvals().stream().anyMatch(a -> Identity.same(a.custodian(), custodian))) {
      return new Refusal(ReasonCode.DUPLICATE_APPROVAL, custodian + " has already approved " + grant.id());
    }
    if (account.emergencyRequired() && !emergency) {
      return new Refusal(ReasonCode.NOT_IN_EMERGENCY,
          "no emergency: approvals for " + grant.account() + " need an open emergency");
    }
    return null;
  }

  /** Whether the grant has as many approvals as it needs (it is then issued). */
  static boolean quorumReached(GrantRecord grant) {
    return grant.approvals().size() >= grant.approvalsRequired();
  }

  /** A custodian of the account or an incident declarer may deny a request that is still pending. */
  static @Nullable Refusal deny(GrantRecord grant, AccountPolicy account, Set<String> incidentDeclarers,
      String custodian, GrantStatus status) {
    if (!account.isCustodian(custodian) && !Identity.contains(incidentDeclarers, custodian)) {
      return new Refusal(ReasonCode.NOT_AUTHORIZED, custodian + " may not deny requests for " + grant.account());
    }
    if (status != GrantStatus.PENDING_APPROVAL) {
      return new Refusal(ReasonCode.GRANT_NOT_ACTIVE, "grant " + grant.id() + " is not pending");
    }
    return null;
  }

  /**
   * The requester, a custodian of the account or an incident declarer may end a grant.
   *
   * @param terminal {@link GrantStatus#REVOKED} or {@link GrantStatus#CLOSED} (named in the refusal)
   */
  static @Nullable Refusal end(GrantRecord grant, AccountPolicy account, Set<String> incidentDeclarers,
      String actor, GrantStatus terminal) {
    boolean allowed = Identity.same(actor, grant.requester()) || account.isCustodian(actor)
        || Identity.contains(incidentDeclarers, actor);
    if (allowed) {
      return null;
    }
    return new Refusal(ReasonCode.NOT_AUTHORIZED,
        actor + " may not " + (terminal == GrantStatus.REVOKED ? "revoke" : "close") + " grant " + grant.id());
  }
}

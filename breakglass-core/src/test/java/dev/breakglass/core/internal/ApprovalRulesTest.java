package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.ApprovalRecord;
import dev.breakglass.GrantStatus;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.GrantRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApprovalRulesTest {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final Duration TIMEOUT = Duration.ofMinutes(15);
  private final AccountPolicy db = EngineFixture.defaultPolicy().account(EngineFixture.DB).orElseThrow();
  private final GrantRecord pending = new GrantRecord("g1", "alice", EngineFixture.DB, "outage", "INC-1",
      Duration.ofMinutes(20), "digest-1", T0, 2, List.of(), GrantStatus.PENDING_APPROVAL, null, null, null, false, 0);

  private ReasonCode refusal(GrantRecord grant, GrantStatus status, Approval approval, boolean emergency) {
    Refusal r = ApprovalRules.approve(grant, db, status, approval, emergency, TIMEOUT);
    return r == null ? null : r.code();
  }

  @Test
  void custodianApprovingTheRightDigestDuringAnEmergencyIsAllowed() {
    assertThat(ApprovalRules.approve(pending, db, GrantStatus.PENDING_APPROVAL,
        Approval.of("g1", "carol", "digest-1", null), true, TIMEOUT)).isNull();
  }

  @Test
  void expiredRequestTakesNoApprovalAndTheRefusalNamesTheTimeout() {
    Refusal r = ApprovalRules.approve(pending, db, GrantStatus.APPROVAL_EXPIRED,
        Approval.of("g1", "carol", "digest-1", null), true, TIMEOUT);
    assertThat(r.code()).isEqualTo(ReasonCode.APPROVAL_EXPIRED);
    assertThat(r.message()).contains("PT15M");
  }

  @Test
  void grantThatIsNoLongerPendingTakesNoApproval() {
    assertThat(refusal(pending, GrantStatus.ACTIVE, Approval.of("g1", "carol", "digest-1", null), true))
        .isEqualTo(ReasonCode.GRANT_NOT_ACTIVE);
  }

  @Test
  void requesterWhoIsAlsoACustodianCannotApproveTheirOwnRequest() {
    assertThat(refusal(pending, GrantStatus.PENDING_APPROVAL, Approval.of("g1", "alice", "digest-1", null), true))
        .isEqualTo(ReasonCode.SELF_APPROVAL);
  }

  @Test
  void someoneWhoIsNotACustodianCannotApprove() {
    assertThat(refusal(pending, GrantStatus.PENDING_APPROVAL, Approval.of("g1", "bob", "digest-1", null), true))
        .isEqualTo(ReasonCode.NOT_A_CUSTODIAN);
  }

  @Test
  void approvalForAnotherDigestIsAMismatch() {
    assertThat(refusal(pending, GrantStatus.PENDING_APPROVAL, Approval.of("g1", "carol", "digest-2", null), true))
        .isEqualTo(ReasonCode.APPROVAL_MISMATCH);
  }

  @Test
  void secondApprovalByTheSameCustodianIsADuplicate() {
    GrantRecord once = pending.withApproval(new ApprovalRecord("carol", T0));
    assertThat(refusal(once, GrantStatus.PENDING_APPROVAL, Approval.of("g1", "carol", "digest-1", null), true))
        .isEqualTo(ReasonCode.DUPLICATE_APPROVAL);
  }

  @Test
  void approvalOutsideAnEmergencyIsRefused() {
    assertThat(refusal(pending, GrantStatus.PENDING_APPROVAL, Approval.of("g1", "carol", "digest-1", null), false))
        .isEqualTo(ReasonCode.NOT_IN_EMERGENCY);
  }

  @Test
  void quorumIsReachedAtExactlyTheRequiredNumberOfApprovals() {
    GrantRecord one = pending.withApproval(new ApprovalRecord("carol", T0));
    assertThat(ApprovalRules.quorumReached(one)).isFalse();
    assertThat(ApprovalRules.quorumReached(one.withApproval(new ApprovalRecord("dave", T0)))).isTrue();
  }

  @Test
  void custodiansAndIncidentDeclarersMayDenyAPendingRequestOthersMayNot() {
    assertThat(ApprovalRules.deny(pending, db, Set.of("sre-lead"), "carol", GrantStatus.PENDING_APPROVAL)).isNull();
    assertThat(ApprovalRules.deny(pending, db, Set.of("sre-lead"), "sre-lead", GrantStatus.PENDING_APPROVAL)).isNull();
    assertThat(ApprovalRules.deny(pending, db, Set.of("sre-lead"), "bob", GrantStatus.PENDING_APPROVAL).code())
        .isEqualTo(ReasonCode.NOT_AUTHORIZED);
    assertThat(ApprovalRules.deny(pending, db, Set.of("sre-lead"), "carol", GrantStatus.ACTIVE).code())
        .isEqualTo(ReasonCode.GRANT_NOT_ACTIVE);
  }

  @Test
  void requesterCustodianOrDeclarerMayEndAGrantAndTheRefusalNamesTheAction() {
    assertThat(ApprovalRules.end(pending, db, Set.of("sre-lead"), "alice", GrantStatus.REVOKED)).isNull();
    assertThat(ApprovalRules.end(pending, db, Set.of("sre-lead"), "dave", GrantStatus.CLOSED)).isNull();
    assertThat(ApprovalRules.end(pending, db, Set.of("sre-lead"), "sre-lead", GrantStatus.REVOKED)).isNull();
    assertThat(ApprovalRules.end(pending, db, Set.of("sre-lead"), "bob", GrantStatus.REVOKED).message())
        .isEqualTo("bob may not revoke grant g1");
    assertThat(ApprovalRules.end(pending, db, Set.of("sre-lead"), "bob", GrantStatus.CLOSED).message())
        .isEqualTo("bob may not close grant g1");
  }
}

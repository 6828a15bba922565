package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.ReasonCode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invariant 4: never oneself, each custodian once, no approval replayed onto another request. */
class SeparationOfDutiesTest {
  @TempDir Path dir;
  EngineFixture f;
  EmergencyAccessGrant grant;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(dir);
    f.openEmergency();
    grant = f.engine.requestAccess(f.dbRequest("alice").build());
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private static ReasonCode code(Throwable t) {
    return ((AccessDeniedException) t).code();
  }

  @Test
  void requesterWhoIsAlsoACustodianCannotApproveTheirOwnRequest() {
    assertThatThrownBy(() -> f.engine.approve(Approval.of(grant, "alice")))
        .isInstanceOf(AccessDeniedException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.SELF_APPROVAL));
    assertThat(grant.approvals()).isEmpty();
    assertThat(f.count(AuditEventType.APPROVAL_REFUSED)).isEqualTo(1);
  }

  @Test
  void selfApprovalDoesNotCountTowardsTheQuorum() {
    f.engine.approve(Approval.of(grant, "carol"));
    assertThatThrownBy(() -> f.engine.approve(Approval.of(grant, "alice")));
    assertThat(grant.status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
  }

  @Test
  void eachCustodianCountsOnce() {
    f.engine.approve(Approval.of(grant, "carol"));
    assertThatThrownBy(() -> f.engine.approve(Approval.of(grant, "carol")))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.DUPLICATE_APPROVAL));
    assertThat(grant.approvals()).hasSize(1);
    assertThat(grant.status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
  }

  @Test
  void nonCustodianCannotApprove() {
    assertThatThrownBy(() -> f.engine.approve(Approval.of(grant, "mallory")))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.NOT_A_CUSTODIAN));
  }

  @Test
  void approvalForOneRequestCannotBeReplayedOntoAnother() {
    Approval forFirst = Approval.of(grant, "carol");
    f.engine.approve(forFirst);
    grant.revoke("alice", "wrong account");
    EmergencyAccessGrant second = f.engine.requestAccess(f.dbRequest("bob").build());

    Approval replayed = Approval.of(second.id(), forFirst.custodian(), forFirst.requestDigest(), null);
    assertThatThrownBy(() -> f.engine.approve(replayed))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.APPROVAL_MISMATCH));
    assertThat(second.approvals()).isEmpty();
  }

  @Test
  void identicalRequestsHaveDifferentDigests() {
    grant.revoke("alice", "duplicate");
    EmergencyAccessGrant again = f.engine.requestAccess(f.dbRequest("alice").build());
    assertThat(again.requestDigest()).isNotEqualTo(grant.requestDigest());
  }

  @Test
  void digestCoversIdentificationEvidence() {
    String a = GrantLifecycle.requestDigest("g", "alice", "db", "r", "t", Duration.ofMinutes(1), f.clock.instant(),
        java.util.Map.of("identification.badge", "hmac-sha256:aa"));
    String b = GrantLifecycle.requestDigest("g", "alice", "db", "r", "t", Duration.ofMinutes(1), f.clock.instant(),
        java.util.Map.of("identification.badge", "hmac-sha256:ab"));
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void requesterNotNamedByPolicyIsRefused() {
    grant.revoke("alice", "test");
    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("mallory").build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.REQUESTER_NOT_ALLOWED));
  }

  @Test
  void requestWithoutRequiredEvidenceIsRefused() {
    grant.revoke("alice", "test");
    AccessRequest noBadge = AccessRequest.builder().requester("bob").account(EngineFixture.DB)
        .reason("outage").ticket("INC-1").duration(Duration.ofMinutes(5)).build();
    assertThatThrownBy(() -> f.engine.requestAccess(noBadge))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.MISSING_IDENTIFICATION));
    AccessRequest noTicket = AccessRequest.builder().requester("bob").account(EngineFixture.DB)
        .reason("outage").identification("badge", "E-1").duration(Duration.ofMinutes(5)).build();
    assertThatThrownBy(() -> f.engine.requestAccess(noTicket))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.MISSING_TICKET));
    AccessRequest tooLong = f.dbRequest("bob").duration(Duration.ofHours(2)).build();
    assertThatThrownBy(() -> f.engine.requestAccess(tooLong))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ReasonCode.DURATION_TOO_LONG));
  }
}

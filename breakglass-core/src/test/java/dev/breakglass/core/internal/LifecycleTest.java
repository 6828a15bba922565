package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.APP;
import static dev.breakglass.core.internal.EngineFixture.CANARY;
import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.ReasonCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LifecycleTest extends EngineTestBase {
  @Test
  void mOfNApprovalsIssueTheGrantOnlyAtTheQuorum() {
    f.openEmergency();
    EmergencyAccessGrant grant = f.engine.requestAccess(f.dbRequest("alice").build());
    assertThat(grant.status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
    assertThat(grant.approvalsRequired()).isEqualTo(2);

    f.engine.approve(Approval.of(grant, "carol"));
    assertThat(grant.status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
    assertThatThrownBy(grant::releaseCredential).isInstanceOf(AccessDeniedException.class)
        .extracting(e -> ((AccessDeniedException) e).code()).isEqualTo(ReasonCode.GRANT_NOT_ACTIVE);

    f.engine.approve(Approval.of(grant, "dave"));
    assertThat(grant.status()).isEqualTo(GrantStatus.ACTIVE);
    assertThat(grant.issuedAt()).contains(f.clock.instant());
    assertThat(grant.expiresAt()).contains(f.clock.instant().plus(Duration.ofMinutes(20)));
    assertThat(grant.approvals()).extracting(a -> a.custodian()).containsExactly("carol", "dave");
  }

  @Test
  void credentialIsReleasedOnceAndAuditedBeforeItIsReturned() {
    EmergencyAccessGrant grant = f.activeDbGrant();
    try (Credential c = grant.releaseCredential()) {
      assertThat(new String(c.secret())).isEqualTo(CANARY);
      assertThat(f.eventTypes()).endsWith(AuditEventType.CREDENTIAL_RELEASED);
    }
    assertThat(grant.credentialReleased()).isTrue();
    assertThatThrownBy(grant::releaseCredential).isInstanceOf(AccessDeniedException.class)
        .extracting(e -> ((AccessDeniedException) e).code()).isEqualTo(ReasonCode.ALREADY_RELEASED);
    assertThat(f.count(AuditEventType.CREDENTIAL_RELEASED)).isEqualTo(1);
    assertThat(f.count(AuditEventType.CREDENTIAL_RELEASE_REFUSED)).isEqualTo(1);
  }

  @Test
  void releasedCredentialIsWipedOnClose() {
    EmergencyAccessGrant grant = f.activeDbGrant();
    Credential c = grant.releaseCredential();
    char[] secret = c.secret();
    c.close();
    assertThat(new String(secret)).isEqualTo("\0".repeat(CANARY.length()));
    assertThat(c.isWiped()).isTrue();
  }

  @Test
  void accountWithoutApprovalsIsActiveAtOnce() {
    f.openEmergency();
    EmergencyAccessGrant grant = f.engine.requestAccess(AccessRequest.builder().requester("bob").account(APP)
        .reason("restart stuck jobs").duration(Duration.ofMinutes(5)).build());
    assertThat(grant.status()).isEqualTo(GrantStatus.ACTIVE);
    assertThat(f.eventTypes()).containsSubsequence(AuditEventType.ACCESS_REQUESTED, AuditEventType.GRANT_ISSUED);
  }

  @Test
  void revocationTakesEffectImmediately() {
    EmergencyAccessGrant grant = f.activeDbGrant();
    grant.revoke("carol", "suspicious activity");
    assertThat(grant.status()).isEqualTo(GrantStatus.REVOKED);
    assertThatThrownBy(grant::releaseCredential).isInstanceOf(AccessDeniedException.class)
        .extracting(e -> ((AccessDeniedException) e).code()).isEqualTo(ReasonCode.GRANT_NOT_ACTIVE);
    assertThat(f.engine.openGrants()).isEmpty();
  }

  @Test
  void onlyInvolvedPeopleMayRevoke() {
    EmergencyAccessGrant grant = f.activeDbGrant();
    assertThatThrownBy(() -> grant.revoke("mallory", "because"))
        .isInstanceOf(AccessDeniedException.class)
        .extracting(e -> ((AccessDeniedException) e).code()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
    assertThat(grant.status()).isEqualTo(GrantStatus.ACTIVE);
  }

  @Test
  void custodianDenialEndsThePendingRequestAndFreesTheAccount() {
    f.openEmergency();
    EmergencyAccessGrant grant = f.engine.requestAccess(f.dbRequest("alice").build());
    f.engine.deny(grant.id(), "carol", "not an outage");
    assertThat(grant.status()).isEqualTo(GrantStatus.DENIED);
    assertThatThrownBy(() -> f.engine.approve(Approval.of(grant, "dave")))
        .extracting(e -> ((AccessDeniedException) e).code()).isEqualTo(ReasonCode.GRANT_NOT_ACTIVE);
    EmergencyAccessGrant again = f.engine.requestAccess(f.dbRequest("bob").build());
    assertThat(again.status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
  }

  @Test
  void secondRequestForAHeldAccountIsRefused() {
    f.openEmergency();
    f.engine.requestAccess(f.dbRequest("alice").build());
    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("bob").build()))
        .extracting(e -> ((AccessDeniedException) e).code()).isEqualTo(ReasonCode.ACCOUNT_IN_USE);
  }

  @Test
  void pendingRequestExpiresAfterTheApprovalTimeout() {
    f.openEmergency();
    EmergencyAccessGrant grant = f.engine.requestAccess(f.dbRequest("alice").build());
    f.engine.approve(Approval.of(grant, "carol"));
    f.clock.advance(Duration.ofMinutes(15));
    assertThat(grant.status()).isEqualTo(GrantStatus.APPROVAL_EXPIRED);
    assertThatThrownBy(() -> f.engine.approve(Approval.of(grant, "dave")))
        .extracting(e -> ((AccessDeniedException) e).code()).isEqualTo(ReasonCode.APPROVAL_EXPIRED);
    assertThat(f.count(AuditEventType.APPROVAL_EXPIRED)).isEqualTo(1);
    assertThat(f.engine.requestAccess(f.dbRequest("bob").build()).status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
  }

  @Test
  void endOfEmergencyClosesActiveGrants() {
    EmergencyAccessGrant grant = f.activeDbGrant();
    f.primaryRecovers();
    assertThat(f.engine.emergencyState().isEmergency()).isFalse();
    assertThat(grant.status()).isEqualTo(GrantStatus.CLOSED);
    assertThat(f.eventTypes()).contains(AuditEventType.EMERGENCY_CLOSED, AuditEventType.GRANT_CLOSED);
  }

  @Test
  void everyStepIsAuditedBeforeItsAlert() throws Exception {
    EmergencyAccessGrant grant = f.activeDbGrant();
    grant.releaseCredential().close();
    f.alerts.await(AuditEventType.CREDENTIAL_RELEASED);
    assertThat(f.eventTypes()).containsSubsequence(AuditEventType.EMERGENCY_OPENED, AuditEventType.ACCESS_REQUESTED,
        AuditEventType.APPROVAL_ACCEPTED, AuditEventType.APPROVAL_ACCEPTED, AuditEventType.GRANT_ISSUED,
        AuditEventType.CREDENTIAL_RELEASED);
    for (AuditEventType t : new AuditEventType[] {AuditEventType.ACCESS_REQUESTED, AuditEventType.GRANT_ISSUED}) {
      assertThat(f.alerts.await(t).grantId()).isEqualTo(grant.id());
    }
  }
}

package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEventType;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.ReasonCode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Confirmed alert before release": with every confirming channel down the credential stays in the
 * vault and the caller is told why; once a channel recovers and confirms, release proceeds.
 */
class ConfirmedAlertBeforeReleaseTest {
  @TempDir Path dir;

  @Test
  void releaseWaitsForAConfirmedAlert() throws Exception {
    RecordingAlertChannel pager = new RecordingAlertChannel();
    pager.down(true);
    try (EngineFixture f = new EngineFixture(dir, EngineFixture.policyBuilder()
        .account(AccountPolicy.builder("payments-admin").requesters("alice").custodians("carol").approvals(1)
            .confirmedAlertBeforeRelease(true).build())
        .build(), (fixture, b) -> {
          fixture.alerts.confirms(false);
          fixture.vault.write("payments-admin", "payments-secret".toCharArray());
          b.alertChannel(pager)
            .property("alert.confirmation-timeout", "300ms")
            .property("alert.retry.initial-backoff", "20ms")
            .property("alert.retry.max-backoff", "50ms");
        })) {
      f.openEmergency();
      EmergencyAccessGrant grant = f.engine.requestAccess(dev.breakglass.AccessRequest.builder().requester("alice")
          .account("payments-admin").reason("outage").duration(Duration.ofMinutes(5)).build());
      f.engine.approve(dev.breakglass.Approval.of(grant, "carol"));

      assertThatThrownBy(grant::releaseCredential)
          .isInstanceOf(AccessDeniedException.class)
          .satisfies(e -> assertThat(((AccessDeniedException) e).code()).isEqualTo(ReasonCode.ALERT_NOT_CONFIRMED))
          .hasMessageContaining("retry when an alert channel is reachable");
      assertThat(grant.credentialReleased()).isFalse();

      pager.down(false);
      pager.await(AuditEventType.GRANT_ISSUED);
      try (Credential c = grant.releaseCredential()) {
        assertThat(c.secret()).isNotEmpty();
      }
      assertThat(f.count(AuditEventType.CREDENTIAL_RELEASE_REFUSED)).isEqualTo(1);
      assertThat(new EngineFixture.AuditFile(f.auditFile).events()).anySatisfy(e -> {
        assertThat(e.type()).isEqualTo(AuditEventType.ALERT_DELIVERED);
        assertThat(e.details()).containsEntry("alertType", "GRANT_ISSUED");
      });
    }
  }

  @Test
  void accountsWithoutTheOptionReleaseWhateverTheChannels() {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.alerts.down(true);
      EmergencyAccessGrant grant = f.activeDbGrant();
      grant.releaseCredential().close();
      assertThat(grant.credentialReleased()).isTrue();
    }
  }
}

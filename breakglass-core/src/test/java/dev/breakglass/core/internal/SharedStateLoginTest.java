package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.LoginAttempt;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engine instances over one grant store and one vault: a credential released by one is accepted
 * by the other, which never saw the release and so checks it against the vault; what a grant handle
 * shows; what a request records about the emergency.
 */
class SharedStateLoginTest {
  @TempDir Path dir;

  @Test
  void aCredentialReleasedByOneInstance_signsInThroughAnother_andAWrongOneDoesNot() {
    InMemoryGrantStore shared = new InMemoryGrantStore();
    try (EngineFixture first = new EngineFixture(dir.resolve("a"), EngineFixture.defaultPolicy(),
        (f, b) -> b.grantStore(shared));
        EngineFixture second = new EngineFixture(dir.resolve("b"), EngineFixture.defaultPolicy(),
            (f, b) -> b.grantStore(shared).vault(first.vault))) {
      EmergencyAccessGrant grant = first.activeDbGrant();
      second.openEmergency();
      char[] secret;
      try (Credential released = grant.releaseCredential()) {
        secret = released.secret().clone();
      }

      AuthenticatedPrincipal signedIn = second.engine.emergencyLogin(LoginAttempt.of(DB, secret.clone()), null);

      assertThat(signedIn.isEmergencyAccess()).isTrue();
      assertThat(signedIn.grant().id()).isEqualTo(grant.id());
      AuditEvent login = second.events().stream().filter(e -> e.type() == AuditEventType.EMERGENCY_LOGIN)
          .findFirst().orElseThrow();
      assertThat(login.details()).containsEntry("requester", "alice").containsEntry("emergency", "primary-unhealthy");

      char[] wrong = secret.clone();
      wrong[0] ^= 1;
      assertThatThrownBy(() -> second.engine.emergencyLogin(LoginAttempt.of(DB, wrong), null))
          .isInstanceOf(AuthenticationFailedException.class).hasMessage(EmergencyLogins.REFUSED);
      assertThatThrownBy(() -> second.engine.emergencyLogin(LoginAttempt.of(DB, (new String(secret) + "x")
          .toCharArray()), null)).isInstanceOf(AuthenticationFailedException.class);
    }
  }

  @Test
  void aRequestThatNeedsNoEmergency_recordsThatNoneIsOpen() {
    BreakGlassPolicy policy = BreakGlassPolicy.builder().account(AccountPolicy.builder(EngineFixture.APP)
        .requesters("alice").emergencyRequired(false).build()).build();
    try (EngineFixture f = new EngineFixture(dir, policy)) {
      f.engine.requestAccess(AccessRequest.builder().requester("alice").account(EngineFixture.APP)
          .reason("planned check").duration(Duration.ofMinutes(5)).build());

      assertThat(f.events()).filteredOn(e -> e.type() == AuditEventType.ACCESS_REQUESTED).singleElement()
          .satisfies(e -> assertThat(e.details()).containsEntry("emergency", "none"));
    }
  }

  @Test
  void aGrantHandle_showsWhoWhatAndWhy_andItsToStringNamesNoReason() {
    try (EngineFixture f = new EngineFixture(dir)) {
      EmergencyAccessGrant grant = f.activeDbGrant();

      assertThat(grant.account()).isEqualTo(DB);
      assertThat(grant.requester()).isEqualTo("alice");
      assertThat(grant.reason()).isEqualTo("IdP outage; database failover stuck");
      assertThat(grant).hasToString("EmergencyAccessGrant[" + grant.id() + ", requester=alice, account=" + DB + "]");
      assertThat(f.engine.openGrants()).extracting(EmergencyAccessGrant::id).containsExactly(grant.id());
    }
  }
}

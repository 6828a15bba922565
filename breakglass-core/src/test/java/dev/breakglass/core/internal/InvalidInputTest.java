package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.InvalidRequestException;
import dev.breakglass.PolicyException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invariant 9: bad input gets a clear error naming the field, and changes nothing. */
class InvalidInputTest {
  @Test
  void blankRequesterIsRejectedNamingTheField() {
    assertThatThrownBy(() -> AccessRequest.builder().requester(" ").account("db").reason("r").build())
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("requester")
        .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo("requester"));
  }

  @Test
  void nonPositiveDurationIsRejected() {
    assertThatThrownBy(() -> AccessRequest.builder().requester("a").account("db").duration(Duration.ZERO).build())
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("duration");
    assertThatThrownBy(() -> AccessRequest.builder().requester("a").account("db").duration(Duration.ofSeconds(-1))
        .build()).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void controlCharactersInFieldsAreRejected() {
    assertThatThrownBy(() -> AccessRequest.builder().requester("alice\nFAKE LOG LINE").account("db").build())
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("control characters");
  }

  @Test
  void blankIdentificationEvidenceIsRejected() {
    assertThatThrownBy(() -> AccessRequest.builder().requester("a").account("db").identification("badge", "").build())
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("identification.badge");
  }

  @Test
  void approvalWithoutDigestIsRejected() {
    assertThatThrownBy(() -> Approval.of("g-1", "carol", "", null))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("requestDigest");
  }

  @Test
  void moreApprovalsThanCustodiansIsAPolicyErrorNamingTheField() {
    assertThatThrownBy(() -> AccountPolicy.builder("db").requesters("a").custodians("c1", "c2").approvals(3).build())
        .isInstanceOf(PolicyException.class)
        .satisfies(e -> assertThat(((PolicyException) e).field()).isEqualTo("accounts.db.approvals"))
        .hasMessageContaining("3 approvals but only 2 custodians");
  }

  @Test
  void approvalsWithoutCustodiansIsAPolicyError() {
    assertThatThrownBy(() -> AccountPolicy.builder("db").requesters("a").approvals(1).build())
        .satisfies(e -> assertThat(((PolicyException) e).field()).isEqualTo("accounts.db.custodians"));
  }

  @Test
  void unknownBackupAccountIsAPolicyError() {
    assertThatThrownBy(() -> BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("db").requesters("a").backupAccount("db2").build()).build())
        .satisfies(e -> assertThat(((PolicyException) e).field()).isEqualTo("accounts.db.backupAccount"));
  }

  @Test
  void policyWithoutAccountsIsAnError() {
    assertThatThrownBy(() -> BreakGlassPolicy.builder().build())
        .satisfies(e -> assertThat(((PolicyException) e).field()).isEqualTo("accounts"));
  }

  @Test
  void refusedRequestForAnUnknownAccountChangesNoState(@TempDir Path dir) {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.openEmergency();
      assertThatThrownBy(() -> f.engine.requestAccess(AccessRequest.builder().requester("alice").account("nope")
          .reason("r").build())).hasMessageContaining("'nope' is not a break-glass account");
      assertThat(f.engine.openGrants()).isEmpty();
    }
  }
}

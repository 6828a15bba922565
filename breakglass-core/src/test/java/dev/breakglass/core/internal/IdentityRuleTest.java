package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.LoginAttempt;
import dev.breakglass.PolicyException;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.policy.PolicyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One person under two names: names of people and accounts are checked by one rule (no invisible,
 * bidi or surrounding-whitespace characters) and compared after NFKC and case folding, in policy
 * validation and at run time.
 */
class IdentityRuleTest {
  @TempDir Path dir;

  private static void policyError(String field, ThrowingCallable build) {
    assertThatThrownBy(build).isInstanceOf(PolicyException.class)
        .satisfies(e -> assertThat(((PolicyException) e).field()).isEqualTo(field));
  }

  @Test
  void twoSpellingsOfOneCustodianAreRejected() {
    policyError("accounts.db.custodians",
        () -> AccountPolicy.builder("db").requesters("alice").custodians("Carol", "carol").approvals(2).build());
    policyError("accounts.db.custodians",
        () -> AccountPolicy.builder("db").requesters("alice").custodians("alice", "\uFF41lice").approvals(1).build());
    policyError("accounts.db.requesters",
        () -> AccountPolicy.builder("db").requesters("STRASSE", "straße").build());
  }

  @Test
  void invisibleBidiAndSurroundingWhitespaceInNamesAreRejected() {
    policyError("accounts.db.requesters", () -> AccountPolicy.builder("db").requesters("alice\u200B").build());
    policyError("accounts.db.custodians",
        () -> AccountPolicy.builder("db").requesters("alice").custodians("carol ", "dave").approvals(1).build());
    assertThatThrownBy(() -> AccountPolicy.builder("db\u202Enimda").requesters("alice").build())
        .isInstanceOf(PolicyException.class).hasMessageNotContaining("\u202E");
    policyError("incidentDeclarers", () -> BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("db").requesters("alice").build()).incidentDeclarers("\u00A0sre-lead").build());
  }

  @Test
  void twoSpellingsOfOneAccountAreRejected() {
    policyError("accounts.DB", () -> BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("db").requesters("alice").build())
        .account(AccountPolicy.builder("DB").requesters("alice").build()).build());
  }

  @Test
  void policyFilesApplyTheSameRuleWithFileAndLine() throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, String.join("\n",
        "version: 1",
        "accounts:",
        "  db:",
        "    requesters: [alice]",
        "    custodians: [Carol, carol]",
        "    approvals: 2",
        ""));
    assertThatThrownBy(() -> PolicyFiles.load(file)).isInstanceOf(PolicyException.class)
        .satisfies(e -> assertThat(((PolicyException) e).line()).isEqualTo(5))
        .hasMessageContaining("same");
    Files.writeString(file, String.join("\n",
        "version: 1",
        "accounts:",
        "  db:",
        "    requesters: [alice]",
        "    custodians: [Alice, bob]",
        "    approvals: 2",
        ""));
    assertThatThrownBy(() -> PolicyFiles.load(file)).isInstanceOf(PolicyException.class)
        .hasMessageContaining("only 1 other custodian");
  }

  /** The finding: requester alice, custodian Alice, and the engine issued a grant approved by Alice and bob. */
  @Test
  void aRequesterCannotApproveUnderAnotherSpelling() {
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder(EngineFixture.DB).requesters("alice").custodians("Alice", "bob", "carol")
            .approvals(2).build())
        .incidentDeclarers("sre-lead").build();
    try (EngineFixture f = new EngineFixture(dir, policy)) {
      f.openEmergency();
      EmergencyAccessGrant grant = f.engine.requestAccess(request(f, "alice"));
      f.engine.approve(Approval.of(grant, "bob"));
      assertThatThrownBy(() -> f.engine.approve(Approval.of(grant, "Alice")))
          .isInstanceOf(AccessDeniedException.class)
          .satisfies(e -> assertThat(((AccessDeniedException) e).code()).isEqualTo(ReasonCode.SELF_APPROVAL));
      assertThatThrownBy(() -> f.engine.approve(Approval.of(grant, "BOB")))
          .satisfies(e -> assertThat(((AccessDeniedException) e).code()).isEqualTo(ReasonCode.DUPLICATE_APPROVAL));
      assertThat(grant.status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
      f.engine.approve(Approval.of(grant, "Carol"));
      assertThat(grant.status()).isEqualTo(GrantStatus.ACTIVE);
    }
  }

  @Test
  void peopleAreRecognizedHoweverTheyAreCased() {
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder(EngineFixture.DB).requesters("alice").custodians("carol").approvals(1).build())
        .incidentDeclarers("sre-lead").build();
    try (EngineFixture f = new EngineFixture(dir, policy)) {
      f.engine.declareIncident("SRE-Lead", "IdP down");
      assertThat(f.engine.emergencyState().isEmergency()).isTrue();
      EmergencyAccessGrant grant = f.engine.requestAccess(request(f, "ALICE"));
      f.engine.approve(Approval.of(grant, "CAROL"));
      assertThat(grant.status()).isEqualTo(GrantStatus.ACTIVE);
      f.engine.revoke(grant.id(), "Carol", "done");
      assertThat(grant.status()).isEqualTo(GrantStatus.REVOKED);
    }
  }

  @Test
  void theGuardRecognizesABreakGlassAccountHoweverItIsCased() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      assertThatThrownBy(() -> f.engine.guard(a -> {
        throw new AuthenticationFailedException("unknown user");
      }).authenticate(LoginAttempt.of("PROD-DB-ADMIN", "guess".toCharArray())))
          .isInstanceOf(AuthenticationFailedException.class);
      assertThat(f.alerts.await(AuditEventType.USE_OUTSIDE_EMERGENCY).account()).isEqualTo(EngineFixture.DB);
    }
  }

  private static AccessRequest request(EngineFixture f, String requester) {
    return AccessRequest.builder().requester(requester).account(EngineFixture.DB).reason("IdP down")
        .duration(Duration.ofMinutes(10)).build();
  }
}

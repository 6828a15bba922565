package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.InvalidRequestException;
import dev.breakglass.LoginAttempt;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Invariant 13, at the input: every free-text field is bounded and refuses control, line-separator,
 * bidi and invisible characters with an {@link InvalidRequestException} naming the field, before
 * anything is audited or changed.
 */
class HostileTextTest extends EngineTestBase {
  /** The forged log line of the finding: a reason that ends one line and writes another. */
  static final String FORGED_LINE = "stuck\r\n2026-11-28 10:00:00 ERROR [breakglass CRITICAL GRANT_CLOSED] all clear";
  static final List<String> HOSTILE = List.of(
      "a\nb", "a\rb", "a\u001B[31mred", "a\u0000b", "a\u0085b", "a\u2028b", "a\u2029b", "a\u202Eb", "a\u2066b",
      "a\u200Bb", "a\u200Db", "a\uFEFFb", "a\u00ADb", "a\u061Cb", "a\u3164b", "a\tb", "a\uD800b", "a\uDB40\uDC01b");

  private static void rejected(String field, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(InvalidRequestException.class)
        .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo(field))
        .hasMessageNotContaining("\n").hasMessageNotContaining("\r");
  }

  @Test
  void aReasonThatForgesALogLineIsRejectedNamingTheField() {
    rejected("reason", () -> f.dbRequest("alice").reason(FORGED_LINE).build());
  }

  @Test
  void everyHostileCharacterIsRejectedInEveryRequestField() {
    for (String bad : HOSTILE) {
      rejected("reason", () -> f.dbRequest("alice").reason(bad).build());
      rejected("ticket", () -> f.dbRequest("alice").ticket(bad).build());
      rejected("identification.badge", () -> f.dbRequest("alice").identification("badge", bad).build());
      rejected("clientAddress", () -> f.dbRequest("alice").clientAddress(bad).build());
      rejected("comment", () -> Approval.of("bg-1", "carol", "ab12", bad));
      rejected("clientAddress", () -> LoginAttempt.of(DB, "x".toCharArray(), bad));
    }
  }

  @Test
  void aMebibyteReasonIsAnInvalidRequestNotAnAuditOutage() {
    String huge = "x".repeat(1 << 20);
    rejected("reason", () -> f.dbRequest("alice").reason(huge).build());
    f.openEmergency();
    assertThat(f.engine.openGrants()).isEmpty();
  }

  @Test
  void everyFieldHasALimit() {
    rejected("reason", () -> f.dbRequest("alice").reason("r".repeat(4097)).build());
    rejected("ticket", () -> f.dbRequest("alice").ticket("t".repeat(257)).build());
    rejected("identification.badge", () -> f.dbRequest("alice").identification("badge", "e".repeat(513)).build());
    rejected("comment", () -> Approval.of("bg-1", "carol", "ab12", "c".repeat(4097)));
    rejected("requester", () -> f.dbRequest("a".repeat(257)).build());
    // at the limit: accepted
    assertThat(f.dbRequest("alice").reason("r".repeat(4096)).ticket("t".repeat(256)).build().reason()).hasSize(4096);
  }

  @Test
  void ordinaryTextInAnyScriptIsAccepted() {
    String reason = "Störung der Datenbank – 数据库故障 – قاعدة البيانات 🚑 (INC-4711)";
    AccessRequest request = f.dbRequest("alice").reason(reason).ticket("ÄÖÜ-4711").build();
    assertThat(request.reason()).isEqualTo(reason);
  }

  @Test
  void aForgedApprovalCommentIsRejected() {
    f.openEmergency();
    EmergencyAccessGrant grant = f.engine.requestAccess(f.dbRequest("alice").build());
    rejected("comment", () -> f.engine.approve(Approval.of(grant.id(), "dave", grant.requestDigest(),
        "ok\nINFO [breakglass INFO APPROVAL_ACCEPTED] approved by carol")));
    assertThat(grant.approvals()).isEmpty();
  }

  @Test
  void denyRevokeAndIncidentReasonsAreCheckedBeforeAnythingHappens() {
    f.openEmergency();
    EmergencyAccessGrant pending = f.engine.requestAccess(f.dbRequest("alice").build());
    long before = f.events().size();
    rejected("reason", () -> f.engine.deny(pending.id(), "carol", FORGED_LINE));
    rejected("reason", () -> f.engine.deny(pending.id(), "carol", "r".repeat(4097)));
    rejected("custodian", () -> f.engine.deny(pending.id(), "carol\u202E", "no"));
    assertThat(pending.status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
    rejected("reason", () -> f.engine.revoke(pending.id(), "carol", "done\u2028GRANT_CLOSED"));
    rejected("grantId", () -> f.engine.revoke(pending.id() + "\n", "carol", "done"));
    rejected("actor", () -> f.engine.close(pending.id(), "carol\u200B"));
    rejected("reason", () -> f.engine.declareIncident("sre-lead", "outage\u001B[2J"));
    rejected("reason", () -> f.engine.closeIncident("sre-lead", "fixed\r\nall good"));
    rejected("actor", () -> f.engine.declareIncident("sre-lead\n", "outage"));
    assertThat(pending.status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
    assertThat(f.events()).as("nothing was audited for rejected input").hasSize((int) before);
    assertThat(f.count(AuditEventType.INCIDENT_DECLARED)).isZero();
  }
}

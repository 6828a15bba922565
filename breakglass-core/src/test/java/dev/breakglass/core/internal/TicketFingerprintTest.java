package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.core.audit.Fingerprinter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An account's policy can keep ticket text out of the audit trail, leaving a matchable fingerprint. */
class TicketFingerprintTest {
  private static final String TICKET = "INC-4711";
  private static final Fingerprinter FIXTURE_KEY = new Fingerprinter(new byte[32]);

  @TempDir Path dir;

  private static BreakGlassPolicy policy(boolean fingerprintTicket) {
    return BreakGlassPolicy.builder()
        .account(AccountPolicy.builder(DB).requesters("alice").custodians("carol", "dave").approvals(1)
            .maxDuration(Duration.ofMinutes(30)).ticketRequired(true).fingerprintTicket(fingerprintTicket).build())
        .build();
  }

  private static String requestedTicket(EngineFixture f) {
    AuditEvent requested = f.events().stream().filter(e -> e.type() == AuditEventType.ACCESS_REQUESTED)
        .findFirst().orElseThrow();
    return requested.details().get("ticket");
  }

  @Test
  void byDefaultTheTicketIsAuditedAsText() {
    try (EngineFixture f = new EngineFixture(dir, policy(false))) {
      f.openEmergency();
      f.engine.requestAccess(f.dbRequest("alice").build());
      assertThat(requestedTicket(f)).isEqualTo(TICKET);
    }
  }

  @Test
  void aFingerprintedTicketLeavesOnlyItsFingerprintInTheAuditTrail() throws Exception {
    try (EngineFixture f = new EngineFixture(dir, policy(true))) {
      f.openEmergency();
      EmergencyAccessGrant grant = f.engine.requestAccess(f.dbRequest("alice").build());

      assertThat(requestedTicket(f)).isEqualTo(FIXTURE_KEY.fingerprint(TICKET)).isNotEqualTo(TICKET);
      assertThat(grant.ticket()).contains(TICKET);
      f.engine.approve(Approval.of(grant, "carol"));
      assertThat(grant.status()).isEqualTo(GrantStatus.ACTIVE);
    }
    assertThat(Files.readString(dir.resolve("audit.jsonl"), StandardCharsets.UTF_8)).doesNotContain(TICKET)
        .contains(FIXTURE_KEY.fingerprint(TICKET));
  }
}

package dev.breakglass.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlassPolicy;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaintedAccountsTest {
  private final BreakGlassPolicy policy = BreakGlassPolicy.builder()
      .account(AccountPolicy.builder("db-admin").requesters("alice").build())
      .account(AccountPolicy.builder("app-admin").requesters("alice").ephemeral(true).build())
      .build();
  private final TaintedAccounts tainted = new TaintedAccounts(() -> policy);

  private void event(AuditEventType type, String grant, String account) {
    tainted.appended(new AuditEvent(Instant.EPOCH, type, "system", grant, account, Map.of()), 1);
  }

  @Test
  void anIssuedGrantThatEndsTaintsItsAccountUntilRotated() {
    event(AuditEventType.GRANT_ISSUED, "g1", "db-admin");
    assertThat(tainted.count()).isZero();
    event(AuditEventType.GRANT_EXPIRED, "g1", "db-admin");
    assertThat(tainted.accounts()).containsExactly("db-admin");
    event(AuditEventType.ROTATION_FAILED, "g1", "db-admin");
    assertThat(tainted.count()).isOne();
    event(AuditEventType.CREDENTIAL_ROTATED, "g1", "db-admin");
    assertThat(tainted.count()).isZero();
  }

  @Test
  void aPendingRequestThatEndsTaintsNothing() {
    event(AuditEventType.GRANT_CLOSED, "g2", "db-admin");
    event(AuditEventType.GRANT_REVOKED, "g3", "db-admin");
    assertThat(tainted.count()).isZero();
  }

  @Test
  void ephemeralAccountsAreRotatedByEndingTheirGrant() {
    event(AuditEventType.GRANT_ISSUED, "g4", "app-admin");
    event(AuditEventType.GRANT_REVOKED, "g4", "app-admin");
    assertThat(tainted.count()).isZero();
  }
}

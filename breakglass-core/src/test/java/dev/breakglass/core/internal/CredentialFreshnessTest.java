package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEventType;
import dev.breakglass.CredentialCheck;
import dev.breakglass.CredentialCheck.Outcome;
import dev.breakglass.spi.Severity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The freshness check drills rely on: each credential decrypts and, where testable, still works. */
class CredentialFreshnessTest {
  @TempDir Path dir;

  static Map<String, Outcome> byAccount(List<CredentialCheck> checks) {
    return checks.stream().collect(Collectors.toMap(CredentialCheck::account, CredentialCheck::outcome));
  }

  @Test
  void allCredentialsFreshIsAuditedQuietly() {
    try (EngineFixture f = new EngineFixture(dir)) {
      List<CredentialCheck> checks = f.engine.checkCredentials();
      assertThat(byAccount(checks)).containsEntry(EngineFixture.DB, Outcome.FRESH)
          .containsEntry(EngineFixture.BACKUP, Outcome.FRESH).containsEntry(EngineFixture.APP, Outcome.FRESH);
      assertThat(checks).allMatch(CredentialCheck::usable);
      assertThat(f.eventTypes()).containsExactly(AuditEventType.CREDENTIALS_CHECKED);
    }
  }

  @Test
  void staleOrMissingCredentialIsReportedAndAlertedCritically() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.rotator.stale(EngineFixture.DB);
      f.vault.write(EngineFixture.APP, new char[0]);
      Map<String, Outcome> result = byAccount(f.engine.checkCredentials());
      assertThat(result).containsEntry(EngineFixture.DB, Outcome.STALE)
          .containsEntry(EngineFixture.APP, Outcome.UNREADABLE)
          .containsEntry(EngineFixture.BACKUP, Outcome.FRESH);
      assertThat(f.alerts.await(AuditEventType.CREDENTIALS_UNUSABLE).severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.events().get(0).details()).containsEntry(EngineFixture.DB, "STALE");
    }
  }
}

package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.Fingerprinter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins what the engine's records look like now that the recorder decides what is fingerprinted. */
class AuditRecordShapeTest {
  private final Fingerprinter fingerprinter = new Fingerprinter(new byte[32]);

  private static AuditEvent first(EngineFixture f, AuditEventType type) {
    return f.events().stream().filter(e -> e.type() == type).findFirst().orElseThrow();
  }

  @Test
  void requestRecordKeepsItsKeysWithEvidenceAndClientFingerprinted(@TempDir Path dir) {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.openEmergency();
      f.engine.requestAccess(f.dbRequest("alice").build());
      AuditEvent requested = first(f, AuditEventType.ACCESS_REQUESTED);
      assertThat(requested.details()).containsOnlyKeys("reason", "ticket", "duration", "approvalsRequired",
          "identification.badge", "client", "emergency", "requestDigest");
      assertThat(requested.details()).containsEntry("reason", "IdP outage; database failover stuck")
          .containsEntry("ticket", "INC-4711")
          .containsEntry("duration", "PT20M")
          .containsEntry("approvalsRequired", "2")
          .containsEntry("emergency", "primary-unhealthy")
          .containsEntry("identification.badge", fingerprinter.fingerprint("E-10442"))
          .containsEntry("client", fingerprinter.fingerprint("10.1.2.3"));
    }
  }

  @Test
  void releaseRecordNamesTheCredentialByItsFingerprintAndTheSourceInClear(@TempDir Path dir) {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.activeDbGrant().releaseCredential().close();
      assertThat(first(f, AuditEventType.CREDENTIAL_RELEASED).details())
          .containsOnlyKeys("credential", "source")
          .containsEntry("credential", fingerprinter.credentialFingerprint(EngineFixture.CANARY.toCharArray()))
          .containsEntry("source", "vault");
    }
  }

  @Test
  void credentialCheckKeepsOneClearDetailPerAccount(@TempDir Path dir) {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.engine.checkCredentials();
      AuditEvent checked = f.events().stream().filter(e -> e.type() == AuditEventType.CREDENTIALS_CHECKED
          || e.type() == AuditEventType.CREDENTIALS_UNUSABLE).findFirst().orElseThrow();
      assertThat(checked.details()).containsOnlyKeys(DB, EngineFixture.BACKUP, EngineFixture.APP);
      assertThat(checked.details().values()).allMatch(v -> !v.startsWith(Fingerprinter.PREFIX));
    }
  }
}

package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEventType;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.ProviderException;
import dev.breakglass.core.alert.ConsoleLinks;
import dev.breakglass.spi.Alert;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alerts to custodians link to the console page of their request ({@code alert.console-url}). */
class ConsoleLinksTest {
  @TempDir Path dir;

  @Test
  void alertsLinkToTheRequestsConsolePageAndTheAuditRecordStaysAsItWas() throws Exception {
    EngineFixture f = new EngineFixture(dir, EngineFixture.defaultPolicy(),
        (fx, b) -> b.property("alert.console-url", "https://ops.example.com/breakglass/"));
    EmergencyAccessGrant g;
    try {
      f.openEmergency();
      g = f.engine.requestAccess(f.dbRequest("alice").build());
      Alert requested = f.alerts.await(AuditEventType.ACCESS_REQUESTED);
      assertThat(requested.details()).containsEntry(ConsoleLinks.DETAIL,
          "https://ops.example.com/breakglass/requests/" + g.id());
      Alert incident = f.alerts.await(AuditEventType.EMERGENCY_OPENED);
      assertThat(incident.details()).containsEntry(ConsoleLinks.DETAIL, "https://ops.example.com/breakglass/");
    } finally {
      f.close();
    }
    assertThat(Files.readString(f.auditFile)).contains(g.id()).doesNotContain("ops.example.com");
  }

  @Test
  void aConsoleUrlThatIsNotAnAbsoluteHttpUrlIsRefusedByName() {
    assertThatThrownBy(() -> new EngineFixture(dir, EngineFixture.defaultPolicy(),
        (fx, b) -> b.property("alert.console-url", "ops.example.com/breakglass")))
        .isInstanceOf(ProviderException.class).hasMessageContaining("alert.console-url");
  }
}

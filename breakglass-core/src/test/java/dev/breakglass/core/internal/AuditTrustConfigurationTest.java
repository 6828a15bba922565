package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.ProviderException;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.core.audit.JsonLinesAuditSink;
import dev.breakglass.spi.Alert;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The witness properties, and the alert copies of checkpoints. */
class AuditTrustConfigurationTest {
  @TempDir Path tmp;

  BreakGlassEngine.Builder builder(RecordingAlertChannel alerts) {
    MapVault vault = new MapVault();
    return BreakGlassEngine.builder().policy(EngineFixture.defaultPolicy()).dataDirectory(tmp.resolve("data"))
        .vault(vault).alertChannel(alerts).background(false);
  }

  @Test
  void everyCheckpointGoesOutAsAnInfoAlertWhoseDeliveryIsNotAudited() throws Exception {
    RecordingAlertChannel alerts = new RecordingAlertChannel();
    try (BreakGlass bg = builder(alerts).build()) {
      Alert copy = alerts.await(AuditEventType.AUDIT_CHECKPOINT);
      String text = new String(Base64.getDecoder().decode(copy.details().get("checkpoint")), StandardCharsets.UTF_8);
      assertThat(text).startsWith("breakglass-audit-checkpoint v2\nlog " + copy.details().get("logId") + "\nsize 0\n");
      assertThat(copy.details()).containsKeys("treeSize", "previous", "root", "checkpointTime", "keyId", "signature");
      assertThat(copy.id()).isEqualTo("audit-checkpoint-" + copy.details().get("logId") + "-0");
      bg.declareIncident("sre-lead", "outage");
      alerts.await(AuditEventType.INCIDENT_DECLARED);
    }
    List<AuditEvent> events = AuditLogReader.readEvents(tmp.resolve("data").resolve("audit"));
    assertThat(events).filteredOn(e -> e.type() == AuditEventType.ALERT_DELIVERED)
        .noneMatch(e -> AuditEventType.AUDIT_CHECKPOINT.name().equals(e.details().get("alertType")));
  }

  @Test
  void witnessAlertsFalseSendsNoCopies() throws Exception {
    RecordingAlertChannel alerts = new RecordingAlertChannel();
    try (BreakGlass bg = builder(alerts).property("witness.alerts", "false").build()) {
      bg.declareIncident("sre-lead", "outage");
      alerts.await(AuditEventType.INCIDENT_DECLARED);
    }
    assertThat(alerts.received()).noneMatch(a -> a.type() == AuditEventType.AUDIT_CHECKPOINT);
  }

  @Test
  void witnessAlertsMustBeTrueOrFalse() {
    assertThatThrownBy(() -> builder(new RecordingAlertChannel()).property("witness.alerts", "yes").build())
        .isInstanceOf(ProviderException.class).hasMessageContaining("'witness.alerts' must be true or false");
  }

  @Test
  void anUnknownWitnessIsNamedWithItsProperty() throws IOException {
    assertThatThrownBy(() -> builder(new RecordingAlertChannel()).property("witness", "s3").build())
        .isInstanceOf(ProviderException.class).hasMessageContaining("property 'witness'")
        .hasMessageContaining("directory");
  }

  @Test
  void aWitnessDirectoryInsideTheDataDirectoryIsRefused() throws IOException {
    Path inside = Files.createDirectories(tmp.resolve("data").resolve("witness"));
    assertThatThrownBy(() -> builder(new RecordingAlertChannel()).property("witness", "directory")
        .property("witness.directory.path", inside.toString()).build())
        .isInstanceOf(ProviderException.class).hasMessageContaining("outside the data directory");
  }

  @Test
  void witnessesWithAnAuditSinkOfTheHostsAreRefused() {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(tmp.resolve("audit.jsonl"))) {
      assertThatThrownBy(() -> builder(new RecordingAlertChannel()).auditSink(sink).property("witness", "directory")
          .property("witness.directory.path", tmp.toString()).build())
          .isInstanceOf(ProviderException.class).hasMessageContaining("auditSink(...)");
    }
  }
}

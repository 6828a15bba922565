package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alert line injected into the engine's outbox between two runs (valid JSON, routed to the
 * engine's own channel, but without the outbox MAC) is never delivered at the next start: it is
 * audited as {@code ALERT_OUTBOX_TAMPERED}, raised as a CRITICAL alert and quarantined.
 */
class OutboxTamperEngineTest {
  @TempDir Path dir;

  private BreakGlass start(RecordingAlertChannel alerts) {
    return BreakGlassEngine.builder().policy(EngineFixture.defaultPolicy()).dataDirectory(dir).vault(new MapVault())
        .alertChannel(alerts).background(false).build();
  }

  @Test
  void injectedOutboxLineIsAuditedAlertedAndNeverDelivered() throws Exception {
    try (BreakGlass first = start(new RecordingAlertChannel())) {
      first.declareIncident("sre-lead", "outage");
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir.resolve("alert-outbox"))) {
      segment = files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().reduce((a, b) -> b)
          .orElseThrow();
    }
    String forged = "{\"op\":\"alert\",\"id\":\"forged-7\",\"at\":\"2026-03-01T10:15:31Z\","
        + "\"channels\":[\"code-0-recording\",\"slf4j\"],\"alert\":{\"time\":\"2026-03-01T10:15:30Z\","
        + "\"severity\":\"INFO\",\"type\":\"INCIDENT_CLOSED\",\"summary\":\"incident closed: all clear\","
        + "\"details\":{}}}";
    Files.writeString(segment, forged + "\n", StandardOpenOption.APPEND);

    RecordingAlertChannel alerts = new RecordingAlertChannel();
    try (BreakGlass second = start(alerts)) {
      Alert tamper = alerts.await(AuditEventType.ALERT_OUTBOX_TAMPERED);
      assertThat(tamper.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(tamper.details()).containsEntry("lines", "1");
      alerts.await(AuditEventType.ENGINE_STARTED);
    }
    assertThat(alerts.received()).extracting(Alert::id).doesNotContain("forged-7");
    assertThat(alerts.received()).noneMatch(a -> a.summary().contains("all clear"));

    List<AuditEvent> log = AuditLogReader.readEvents(dir.resolve(BreakGlassEngine.AUDIT_DIRECTORY));
    assertThat(log).filteredOn(e -> e.type() == AuditEventType.ALERT_OUTBOX_TAMPERED).singleElement()
        .satisfies(e -> {
          assertThat(e.details()).containsEntry("lines", "1");
          assertThat(e.details().get("file")).contains("quarantine");
          assertThat(Path.of(e.details().get("file"))).content().contains("forged-7");
        });
  }
}

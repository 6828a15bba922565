package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.spi.Severity;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A torn tail in the embedded audit log is repaired on start and raises a critical alert. */
class RepairedAuditLogAlertTest {
  @TempDir Path dir;

  BreakGlass start(RecordingAlertChannel alerts) {
    MapVault vault = new MapVault();
    return BreakGlassEngine.builder().policy(EngineFixture.defaultPolicy()).dataDirectory(dir).vault(vault)
        .alertChannel(alerts).background(false).build();
  }

  @Test
  void tornTailIsTruncatedRecordedAndAlertedCritically() throws Exception {
    try (BreakGlass first = start(new RecordingAlertChannel())) {
      first.declareIncident("sre-lead", "outage");
      first.closeIncident("sre-lead", "over");
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir.resolve(BreakGlassEngine.AUDIT_DIRECTORY))) {
      segment = files.filter(p -> p.getFileName().toString().endsWith(".bgaudit"))
          .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
    }
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 3);
    }
    RecordingAlertChannel alerts = new RecordingAlertChannel();
    try (BreakGlass second = start(alerts)) {
      assertThat(alerts.await(AuditEventType.AUDIT_LOG_REPAIRED).severity()).isEqualTo(Severity.CRITICAL);
    }
  }

  @Test
  void cleanLogRaisesNoRepairAlert() throws Exception {
    RecordingAlertChannel alerts = new RecordingAlertChannel();
    try (BreakGlass first = start(alerts)) {
      first.declareIncident("sre-lead", "outage");
      alerts.await(AuditEventType.INCIDENT_DECLARED);
    }
    RecordingAlertChannel again = new RecordingAlertChannel();
    try (BreakGlass second = start(again)) {
      second.closeIncident("sre-lead", "over");
    }
    assertThat(again.received()).noneMatch(a -> a.type() == AuditEventType.AUDIT_LOG_REPAIRED);
  }
}

package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.CredentialCheck;
import dev.breakglass.DrillResult;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.tck.fixtures.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The last successful drill and the stale-drill alert survive a restart: both are read back from
 * the embedded tamper-evident audit log, the only place they are kept.
 */
class DrillRestartTest {
  private static final String DRILLED = "app-admin";
  private static final String NEVER = "ops-admin";

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
  final MapVault vault = new MapVault();

  DrillRestartTest() {
    vault.write(DRILLED, "pre-staged-app".toCharArray());
    vault.write(NEVER, "pre-staged-ops".toCharArray());
  }

  private BreakGlass start() {
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder(DRILLED).requesters("alice").drillEvery(Duration.ofDays(30)).build())
        .account(AccountPolicy.builder(NEVER).requesters("alice").drillEvery(Duration.ofDays(60)).build())
        .build();
    return BreakGlassEngine.builder().policy(policy).dataDirectory(dir).clock(clock).vault(vault)
        .rotator(new ScriptedRotator()).alertChannel(new RecordingAlertChannel()).fingerprintKey(new byte[32])
        .background(false).build();
  }

  private long overdueAlerts(String account) {
    return AuditLogReader.readEvents(dir.resolve(BreakGlassEngine.AUDIT_DIRECTORY)).stream()
        .filter(e -> e.type() == AuditEventType.DRILL_OVERDUE && account.equals(e.account())).count();
  }

  @Test
  void theLastDrillAndTheStaleDrillAlertAreReadBackFromTheAuditLogAfterARestart() {
    DrillResult drill;
    try (BreakGlass first = start()) {
      drill = first.drill(DRILLED, "alice");
      assertThat(drill.succeeded()).as(drill.detail()).isTrue();
    }

    clock.advance(Duration.ofDays(10));
    try (BreakGlass second = start()) {
      assertThat(second.checkCredentials()).filteredOn(c -> c.account().equals(DRILLED)).singleElement()
          .extracting(CredentialCheck::lastDrill).isEqualTo(drill.finishedAt());
      second.checkHealthNow();
      assertThat(overdueAlerts(DRILLED)).as("10 days after the drill, within 30").isZero();
    }

    clock.advance(Duration.ofDays(21));
    try (BreakGlass third = start()) {
      third.checkHealthNow();
      assertThat(overdueAlerts(DRILLED)).as("31 days after the drill, across two restarts").isEqualTo(1);
    }

    clock.advance(Duration.ofDays(1));
    try (BreakGlass fourth = start()) {
      fourth.checkHealthNow();
      fourth.sweep();
      assertThat(overdueAlerts(DRILLED)).as("the alert in the log is not raised again after a restart").isEqualTo(1);
    }
  }

  @Test
  void anAccountNeverDrilledIsOverdueCountingFromTheLogsFirstRecordNotFromEachRestart() {
    try (BreakGlass first = start()) {
      first.checkCredentials();   // the deployment's first audit record
    }
    Instant firstRecord = AuditLogReader.readEvents(dir.resolve(BreakGlassEngine.AUDIT_DIRECTORY)).get(0).time();
    for (int day = 0; day < 61; day += 20) {
      clock.advance(Duration.ofDays(20));
      try (BreakGlass restarted = start()) {
        restarted.checkHealthNow();
      }
    }
    assertThat(clock.instant()).isAfter(firstRecord.plus(Duration.ofDays(60)));
    assertThat(overdueAlerts(NEVER)).as("restarted every 20 days, still overdue 60 days after the log began")
        .isEqualTo(1);
    AuditEvent overdue = AuditLogReader.readEvents(dir.resolve(BreakGlassEngine.AUDIT_DIRECTORY)).stream()
        .filter(e -> e.type() == AuditEventType.DRILL_OVERDUE && NEVER.equals(e.account())).findFirst().orElseThrow();
    assertThat(overdue.details()).containsEntry("drill", "true").containsEntry("lastDrill", "none since " + firstRecord);
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.JsonLinesAuditSink;
import dev.breakglass.core.retry.Backoff;
import dev.breakglass.tck.fixtures.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real engine on real parts (JSON-lines audit file on disk, in-memory store) with a clock, a probe
 * and a rotator the test drives, and no background threads.
 */
final class EngineFixture implements AutoCloseable {
  static final String CANARY = "canary-S3cr3t-7f1d9c";
  static final String DB = "prod-db-admin";
  static final String BACKUP = "prod-db-backup";
  static final String APP = "app-admin";

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
  final MapVault vault = new MapVault();
  final RecordingAlertChannel alerts = new RecordingAlertChannel();
  final ScriptedProbe probe = new ScriptedProbe();
  final ScriptedRotator rotator = new ScriptedRotator();
  final Path auditFile;
  final SwitchableAuditSink audit;
  final Engine engine;

  EngineFixture(Path dir) {
    this(dir, defaultPolicy());
  }

  EngineFixture(Path dir, BreakGlassPolicy policy) {
    this(dir, policy, (f, b) -> { });
  }

  /** With extra builder settings (properties, channels) applied before the engine is built. */
  EngineFixture(Path dir, BreakGlassPolicy policy,
      java.util.function.BiConsumer<EngineFixture, BreakGlassEngine.Builder> extra) {
    auditFile = dir.resolve("audit.jsonl");
    audit = new SwitchableAuditSink(JsonLinesAuditSink.open(auditFile));
    vault.write(DB, CANARY.toCharArray());
    vault.write(BACKUP, (CANARY + "-backup").toCharArray());
    vault.write(APP, (CANARY + "-app").toCharArray());
    BreakGlassEngine.Builder builder = BreakGlassEngine.builder()
        .policy(policy)
        .dataDirectory(dir)
        .clock(clock)
        .auditSink(audit)
        .vault(vault)
        .grantStore(new InMemoryGrantStore())
        .alertChannel(alerts)
        .healthProbe(probe)
        .rotator(rotator)
        .fingerprintKey(new byte[32])
        .fallThreshold(2)
        .riseThreshold(2)
        .background(false)
        .rotationBackoff(Backoff.builder().initialDelay(Duration.ofSeconds(1)).multiplier(2)
            .maxDelay(Duration.ofMinutes(5)).jitter(0).build());
    extra.accept(this, builder);
    engine = (Engine) builder.build();
  }

  static BreakGlassPolicy defaultPolicy() {
    return policyBuilder().build();
  }

  /** The default policy's builder, for tests that change one setting. */
  static BreakGlassPolicy.Builder policyBuilder() {
    return BreakGlassPolicy.builder()
        .account(AccountPolicy.builder(DB)
            .requesters("alice", "bob")
            .custodians("alice", "carol", "dave", "erin")
            .approvals(2)
            .maxDuration(Duration.ofMinutes(30))
            .ticketRequired(true)
            .identificationRequired("badge")
            .backupAccount(BACKUP)
            .build())
        .account(AccountPolicy.builder(BACKUP)
            .requesters("alice", "bob")
            .custodians("carol", "dave")
            .approvals(1)
            .maxDuration(Duration.ofMinutes(30))
            .build())
        .account(AccountPolicy.builder(APP)
            .requesters("alice", "bob")
            .maxDuration(Duration.ofMinutes(30))
            .build())
        .incidentDeclarers("sre-lead")
        .approvalTimeout(Duration.ofMinutes(15));
  }

  void openEmergency() {
    probe.healthy(false);
    engine.checkHealthNow();
    engine.checkHealthNow();
  }

  void primaryRecovers() {
    probe.healthy(true);
    engine.checkHealthNow();
    engine.checkHealthNow();
  }

  AccessRequest.Builder dbRequest(String who) {
    return AccessRequest.builder()
        .requester(who)
        .account(DB)
        .reason("IdP outage; database failover stuck")
        .ticket("INC-4711")
        .duration(Duration.ofMinutes(20))
        .identification("badge", "E-10442")
        .clientAddress("10.1.2.3");
  }

  /** Opens the emergency, requests the DB account as alice, and has carol and dave approve. */
  EmergencyAccessGrant activeDbGrant() {
    openEmergency();
    EmergencyAccessGrant grant = engine.requestAccess(dbRequest("alice").build());
    engine.approve(Approval.of(grant, "carol"));
    engine.approve(Approval.of(grant, "dave"));
    return grant;
  }

  /** The procedure's audit records, without the alert-delivery records that arrive asynchronously. */
  /** The lifecycle records: without alert deliveries and without the engine's start and stop records. */
  List<AuditEvent> events() {
    return allEvents().stream()
        .filter(e -> e.type() != AuditEventType.ALERT_DELIVERED && e.type() != AuditEventType.ALERT_FAILED
            && e.type() != AuditEventType.ENGINE_STARTED && e.type() != AuditEventType.ENGINE_STOPPED)
        .collect(Collectors.toList());
  }

  /** Every record of the fixture's audit file, in order. */
  List<AuditEvent> allEvents() {
    return new AuditFile(auditFile).events();
  }

  /** Reads an audit file written by the fixture, after the engine has gone. */
  record AuditFile(Path file) {
    List<AuditEvent> events() {
      return JsonLinesAuditSink.read(file).stream().map(AuditEventCodec.Decoded::event).collect(Collectors.toList());
    }
  }

  List<AuditEventType> eventTypes() {
    return events().stream().map(AuditEvent::type).collect(Collectors.toList());
  }

  long count(AuditEventType type) {
    return events().stream().filter(e -> e.type() == type).count();
  }

  @Override
  public void close() {
    engine.close();
    audit.close();
  }
}

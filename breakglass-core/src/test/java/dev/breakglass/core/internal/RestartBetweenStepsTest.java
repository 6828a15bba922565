package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.Approval;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlassException;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.JsonLinesAuditSink;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every lifecycle step followed by a restart of the engine on the same durable state (file grant store)
 * and audit log, on an injected clock: what was acknowledged before the restart holds after it, and the
 * start rules (expiry and approval timeout while down, taint and rotation, the cross-check against the
 * log, the start and stop records) apply.
 */
class RestartBetweenStepsTest {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @TempDir Path dir;
  private int runs;
  private FileGrantStore store;
  private JsonLinesAuditSink log;
  private EngineFixture f;

  /** Starts an engine at {@code now} on the durable state and log kept in {@code dir}. */
  private EngineFixture start(Instant now, int rotationFailures) {
    store = FileGrantStore.open(dir.resolve("state"));
    log = JsonLinesAuditSink.open(dir.resolve("log.jsonl"));
    f = new EngineFixture(dir.resolve("run-" + ++runs), EngineFixture.defaultPolicy(), (fx, b) -> {
      fx.clock.set(now);
      fx.rotator.failNext(rotationFailures);
      b.grantStore(store).auditSink(log);
    });
    return f;
  }

  private EngineFixture start(Instant now) {
    return start(now, 0);
  }

  /** A clean stop: the engine is closed, then the store and the log. */
  private void stop() {
    f.close();
    store.close();
    log.close();
    f = null;
  }

  /** A stop without the engine's close (as after a crash): no stop record, the run stays marked running. */
  private void crash() {
    f.audit.close();
    store.close();
    log.close();
    f = null;
  }

  @AfterEach
  void cleanUp() {
    if (f != null) {
      stop();
    }
  }

  private List<AuditEvent> logEvents() {
    return JsonLinesAuditSink.read(dir.resolve("log.jsonl")).stream().map(AuditEventCodec.Decoded::event)
        .collect(Collectors.toList());
  }

  private List<AuditEvent> logEvents(AuditEventType type) {
    return logEvents().stream().filter(e -> e.type() == type).collect(Collectors.toList());
  }

  private EmergencyAccessGrant request(EngineFixture fx) {
    fx.openEmergency();
    return fx.engine.requestAccess(fx.dbRequest("alice").build());
  }

  private EmergencyAccessGrant grant(String id) {
    return f.engine.grant(id).orElseThrow();
  }

  @Test
  void afterRequestTheGrantIsPendingAndHoldsTheAccount() {
    String id = request(start(T0)).id();
    stop();

    start(T0.plusSeconds(60)).openEmergency();
    assertThat(grant(id).status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
    assertThat(f.engine.openGrants()).extracting(EmergencyAccessGrant::id).containsExactly(id);
    assertThat(store.account(EngineFixture.DB).holder()).isEqualTo(id);
    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("bob").build()))
        .as("the account is still held by the pending request").isInstanceOf(BreakGlassException.class);
  }

  @Test
  void afterOneApprovalItIsKeptAndTheSecondIssues() {
    EmergencyAccessGrant g = request(start(T0));
    f.engine.approve(Approval.of(g, "carol"));
    stop();

    start(T0.plusSeconds(60)).openEmergency();
    assertThat(grant(g.id()).approvals()).extracting(a -> a.custodian()).containsExactly("carol");
    assertThatThrownBy(() -> f.engine.approve(Approval.of(grant(g.id()), "carol")))
        .as("the same custodian cannot approve twice across a restart").isInstanceOf(BreakGlassException.class);
    f.engine.approve(Approval.of(grant(g.id()), "dave"));
    assertThat(grant(g.id()).status()).isEqualTo(GrantStatus.ACTIVE);
  }

  @Test
  void afterIssueTheGrantIsActiveWithItsAbsoluteExpiry() {
    EmergencyAccessGrant g = request(start(T0));
    f.engine.approve(Approval.of(g, "carol"));
    EmergencyAccessGrant issued = f.engine.approve(Approval.of(g, "dave"));
    Instant expiresAt = issued.expiresAt().orElseThrow();
    stop();

    start(T0.plusSeconds(120)).openEmergency();
    EmergencyAccessGrant after = grant(g.id());
    assertThat(after.status()).isEqualTo(GrantStatus.ACTIVE);
    assertThat(after.expiresAt()).contains(expiresAt);
    assertThat(f.engine.openGrants()).extracting(EmergencyAccessGrant::id).containsExactly(g.id());
    try (var credential = after.releaseCredential()) {
      assertThat(credential).isNotNull();
    }
  }

  @Test
  void afterUseTheReleaseIsKeptAndTheEndTaintsTheAccount() {
    EmergencyAccessGrant g = activeGrant(start(T0));
    g.releaseCredential().close();
    stop();

    start(T0.plusSeconds(120), 5).openEmergency();
    assertThat(grant(g.id()).credentialReleased()).isTrue();
    f.engine.revoke(g.id(), "sre-lead", "done");
    AccountState account = store.account(EngineFixture.DB);
    assertThat(account.tainted()).as("rotation failed, so the account stays tainted").isTrue();
    assertThat(account.taintedBy()).isEqualTo(g.id());
    stop();

    start(T0.plusSeconds(180), 5);
    assertThat(store.account(EngineFixture.DB).tainted()).as("tainted across the restart").isTrue();
    f.openEmergency();
    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("bob").build()))
        .as("no grant for a released and unrotated account").isInstanceOf(BreakGlassException.class);
  }

  @Test
  void aTaintedAccountStaysTaintedAcrossARestartUntilTheSweepRotatesIt() {
    EmergencyAccessGrant g = activeGrant(start(T0, 5));
    g.releaseCredential().close();
    f.engine.revoke(g.id(), "sre-lead", "done");
    assertThat(store.account(EngineFixture.DB).tainted()).isTrue();
    stop();

    start(T0.plusSeconds(600));
    assertThat(store.account(EngineFixture.DB).tainted()).as("still tainted after the restart").isTrue();
    f.engine.sweep();
    assertThat(store.account(EngineFixture.DB).tainted()).as("rotated by the sweep").isFalse();
    List<AuditEventType> types = logEvents().stream().map(AuditEvent::type).collect(Collectors.toList());
    assertThat(types.subList(types.lastIndexOf(AuditEventType.ENGINE_STARTED) - 1, types.size()))
        .contains(AuditEventType.CREDENTIAL_ROTATED);
  }

  @Test
  void afterRevokeTheGrantStaysRevoked() {
    EmergencyAccessGrant g = activeGrant(start(T0));
    f.engine.revoke(g.id(), "sre-lead", "done");
    stop();

    start(T0.plusSeconds(60)).openEmergency();
    assertThat(grant(g.id()).status()).isEqualTo(GrantStatus.REVOKED);
    assertThat(f.engine.openGrants()).isEmpty();
    assertThatThrownBy(() -> grant(g.id()).releaseCredential()).isInstanceOf(BreakGlassException.class);
  }

  @Test
  void aGrantThatExpiredWhileDownEndsAtStartRecordedAtItsExpiry() {
    EmergencyAccessGrant g = activeGrant(start(T0));
    Instant expiresAt = g.expiresAt().orElseThrow();
    g.releaseCredential().close();
    crash();

    Instant restart = expiresAt.plus(Duration.ofHours(3));
    start(restart).openEmergency();
    assertThat(grant(g.id()).status()).isEqualTo(GrantStatus.EXPIRED);
    GrantRecord rec = store.find(g.id()).orElseThrow();
    assertThat(rec.endedAt()).as("ended at its expiry, not at the restart").isEqualTo(expiresAt);
    assertThat(logEvents(AuditEventType.GRANT_EXPIRED)).singleElement().satisfies(e -> {
      assertThat(e.grantId()).isEqualTo(g.id());
      // The log is append-only in time order: the record is written when noticed and names the expiry.
      assertThat(e.time()).isEqualTo(restart);
      assertThat(e.details().values()).anySatisfy(v -> assertThat(v).contains(expiresAt.toString()));
    });
    assertThatThrownBy(() -> grant(g.id()).releaseCredential()).isInstanceOf(BreakGlassException.class);
  }

  @Test
  void aRequestPastItsApprovalTimeoutEndsAtStart() {
    EmergencyAccessGrant g = request(start(T0));
    crash();

    start(T0.plus(Duration.ofMinutes(16)));
    assertThat(grant(g.id()).status()).isEqualTo(GrantStatus.APPROVAL_EXPIRED);
    assertThat(store.account(EngineFixture.DB).holder()).as("the account is free again").isNull();
  }

  @Test
  void everyRunIsRecordedWithHowThePreviousOneEnded() {
    start(T0);
    stop();
    start(T0.plusSeconds(60));
    crash();
    start(T0.plusSeconds(120));
    stop();

    List<AuditEvent> started = logEvents(AuditEventType.ENGINE_STARTED);
    assertThat(started).extracting(e -> e.details().get("previousRun")).containsExactly("first", "clean", "unclean");
    assertThat(started).allSatisfy(e -> {
      assertThat(e.details()).containsKeys("version", "node", "crossCheck");
    });
    assertThat(started.get(2).details()).containsEntry("lastSeenAt", T0.plusSeconds(60).toString());
    assertThat(logEvents(AuditEventType.ENGINE_STOPPED)).hasSize(2);
    assertThat(started).extracting(AuditEvent::time)
        .containsExactly(T0, T0.plusSeconds(60), T0.plusSeconds(120));
  }

  @Test
  void aReleaseInTheLogButNotInTheStoreTaintsTheAccountAndRaisesACriticalAlert() {
    EmergencyAccessGrant g = activeGrant(start(T0));
    crash();
    // The process died after the release was audited and before the store's write: the log says
    // released, the store does not.
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(dir.resolve("log.jsonl"))) {
      sink.append(new AuditEvent(T0.plusSeconds(30), AuditEventType.CREDENTIAL_RELEASED, "alice", g.id(),
          EngineFixture.DB, Map.of()));
      sink.append(new AuditEvent(T0.plusSeconds(40), AuditEventType.GRANT_CLOSED, "alice", g.id(),
          EngineFixture.DB, Map.of()));
    }
    assertThat(FileGrantStoreRead.find(dir.resolve("state"), g.id()).credentialReleased()).isFalse();

    start(T0.plusSeconds(60), 5);
    GrantRecord rec = store.find(g.id()).orElseThrow();
    assertThat(rec.credentialReleased()).isTrue();
    assertThat(rec.status()).isEqualTo(GrantStatus.CLOSED);
    assertThat(rec.endedAt()).isEqualTo(T0.plusSeconds(40));
    assertThat(store.account(EngineFixture.DB).tainted()).as("the safer reading: tainted").isTrue();
    assertThat(logEvents(AuditEventType.STATE_STORE_CORRECTED)).isNotEmpty()
        .allSatisfy(e -> assertThat(e.grantId()).isEqualTo(g.id()));
    assertThat(f.alerts.received()).anySatisfy(a -> {
      assertThat(a.type()).isEqualTo(AuditEventType.STATE_STORE_CORRECTED);
      assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
    });
  }

  @Test
  void aStoreThatAgreesWithTheLogIsLeftAlone() {
    EmergencyAccessGrant g = activeGrant(start(T0));
    g.releaseCredential().close();
    crash();

    start(T0.plusSeconds(60));
    assertThat(logEvents(AuditEventType.STATE_STORE_CORRECTED)).isEmpty();
    assertThat(logEvents(AuditEventType.ENGINE_STARTED).get(1).details().get("crossCheck")).isNotEqualTo("0");
  }

  private EmergencyAccessGrant activeGrant(EngineFixture fx) {
    return fx.activeDbGrant();
  }

  /** Reads a grant from a closed store directory. */
  private static final class FileGrantStoreRead {
    static GrantRecord find(Path location, String id) {
      try (FileGrantStore s = FileGrantStore.open(location)) {
        return s.find(id).orElseThrow();
      }
    }
  }
}

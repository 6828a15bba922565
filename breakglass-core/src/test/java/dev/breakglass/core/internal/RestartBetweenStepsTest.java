package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlassException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.EmergencyState;
import dev.breakglass.GrantStatus;
import dev.breakglass.LoginAttempt;
import dev.breakglass.RateLimitedException;
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
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every lifecycle step followed by a restart of the engine on the same durable state (file grant store)
 * and audit log, on an injected clock: what was acknowledged before the restart holds after it, and the
 * start rules (expiry and approval timeout while down, taint and rotation, the cross-check against the
 * log, the start and stop records) apply. The same holds for the state around the lifecycle: rate limits
 * and their backoff, blocked login clients, the declared incident, and the retry schedule of a failing
 * rotation.
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
    return start(now, rotationFailures, EngineFixture.defaultPolicy());
  }

  private EngineFixture start(Instant now, int rotationFailures, BreakGlassPolicy policy) {
    store = FileGrantStore.open(dir.resolve("state"));
    log = JsonLinesAuditSink.open(dir.resolve("log.jsonl"));
    f = new EngineFixture(dir.resolve("run-" + ++runs), policy, (fx, b) -> {
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

  @Test
  void aRequestersRateLimitAndBackoffSurviveARestart() {
    BreakGlassPolicy limited = EngineFixture.policyBuilder()
        .rateLimit(new BreakGlassPolicy.RateLimit(2, Duration.ofMinutes(10), Duration.ofHours(1))).build();
    start(T0, 0, limited).openEmergency();
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("mallory").build()))
          .as("counted, then refused by the policy").isNotInstanceOf(RateLimitedException.class);
    }
    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("mallory").build()))
        .isInstanceOfSatisfying(RateLimitedException.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(10)));
    stop();

    start(T0.plusSeconds(60), 0, limited).openEmergency();
    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("mallory").build()))
        .as("still blocked after the restart, and the backoff doubled")
        .isInstanceOfSatisfying(RateLimitedException.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(20)));
    stop();

    start(T0.plus(Duration.ofHours(2)), 0, limited).openEmergency();
    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("mallory").build()))
        .as("the block ended: nobody is locked out for good").isNotInstanceOf(RateLimitedException.class);
  }

  @Test
  void aBlockedLoginClientStaysBlockedAcrossARestart() {
    EmergencyAccessGrant g = activeGrant(start(T0));
    char[] secret;
    try (var credential = g.releaseCredential()) {
      secret = credential.secret().clone();
    }
    Authenticator guard = f.engine.guard(attempt -> {
      throw new AuthenticationFailedException("rejected by the primary");
    });
    for (int i = 0; i < LoginThrottle.Limits.PER_CLIENT.maxFailures(); i++) {
      assertThatThrownBy(() -> guard.authenticate(LoginAttempt.of(EngineFixture.DB, "guess".toCharArray(), "10.9.9.9")))
          .isInstanceOf(AuthenticationFailedException.class);
    }
    stop();

    start(T0.plusSeconds(10)).openEmergency();
    Authenticator after = f.engine.guard(attempt -> {
      throw new AuthenticationFailedException("rejected by the primary");
    });
    long refusedBefore = logEvents(AuditEventType.EMERGENCY_LOGIN_REFUSED).size();
    assertThatThrownBy(() -> after.authenticate(LoginAttempt.of(EngineFixture.DB, secret.clone(), "10.9.9.9")))
        .as("the blocked client is turned away unchecked, even with the right credential")
        .isInstanceOf(AuthenticationFailedException.class);
    assertThat(logEvents(AuditEventType.EMERGENCY_LOGIN)).as("no login went through").isEmpty();
    assertThat(logEvents(AuditEventType.EMERGENCY_LOGIN_REFUSED)).as("throttled attempts are not checked")
        .hasSize((int) refusedBefore);
    assertThat(after.authenticate(LoginAttempt.of(EngineFixture.DB, secret.clone(), "10.1.1.1")).isEmergencyAccess())
        .as("another client is not blocked").isTrue();

    f.clock.advance(LoginThrottle.Limits.PER_CLIENT.initialBlock());
    assertThat(after.authenticate(LoginAttempt.of(EngineFixture.DB, secret.clone(), "10.9.9.9")).isEmergencyAccess())
        .as("the block ends").isTrue();
  }

  @Test
  void aDeclaredIncidentStaysDeclaredAcrossARestartUntilItIsClosed() {
    EmergencyState.Incident incident = start(T0).engine.declareIncident("sre-lead", "IdP outage");
    stop();

    start(T0.plusSeconds(60));
    assertThat(f.engine.emergencyState().isEmergency()).as("open with healthy probes: the incident").isTrue();
    assertThat(f.engine.emergencyState().incident()).isEqualTo(incident);
    assertThat(logEvents(AuditEventType.ENGINE_STARTED).get(1).details()).containsEntry("incident", incident.id());
    EmergencyAccessGrant app = f.engine.requestAccess(AccessRequest.builder().requester("bob")
        .account(EngineFixture.APP).reason("deploy stuck").duration(Duration.ofMinutes(5)).build());
    assertThat(app.status()).isEqualTo(GrantStatus.ACTIVE);
    f.engine.closeIncident("sre-lead", "IdP back");
    stop();

    start(T0.plusSeconds(120));
    assertThat(f.engine.emergencyState().isEmergency()).as("closed before the restart, closed after").isFalse();
    assertThat(store.incident().isDeclared()).isFalse();
  }

  @Test
  void anIncidentDeclaredInTheLogButNotInTheStoreIsDeclaredAtStart() {
    start(T0);
    crash();
    // The process died after the declaration was audited and before the store's write.
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(dir.resolve("log.jsonl"))) {
      sink.append(new AuditEvent(T0.plusSeconds(30), AuditEventType.INCIDENT_DECLARED, "sre-lead", null, null,
          Map.of("incident", "inc-1", "reason", "IdP outage")));
    }

    start(T0.plusSeconds(60));
    assertThat(f.engine.emergencyState().incident()).isEqualTo(
        new EmergencyState.Incident("inc-1", "sre-lead", "IdP outage", T0.plusSeconds(30)));
    assertThat(logEvents(AuditEventType.STATE_STORE_CORRECTED)).singleElement()
        .satisfies(e -> assertThat(e.details().get("found")).contains("inc-1"));
  }

  @Test
  void aFailingRotationKeepsItsRetryScheduleAcrossARestart() {
    EmergencyAccessGrant g = activeGrant(start(T0, 5));
    g.releaseCredential().close();
    f.engine.revoke(g.id(), "sre-lead", "done");
    for (int i = 0; i < 3; i++) {
      f.clock.set(Objects.requireNonNullElse(store.account(EngineFixture.DB).nextRotationAt(), f.clock.instant()));
      f.engine.sweep();
    }
    AccountState failing = store.account(EngineFixture.DB);
    assertThat(failing.rotationAttempts()).isEqualTo(3);
    Instant next = Objects.requireNonNull(failing.nextRotationAt());
    stop();

    start(next.minusMillis(1)).engine.sweep();
    assertThat(store.account(EngineFixture.DB)).as("not retried before its time, though the target works again")
        .isEqualTo(failing);
    assertThat(f.rotator.rotations()).isZero();
    f.clock.set(next);
    f.engine.sweep();
    assertThat(store.account(EngineFixture.DB).tainted()).as("retried on schedule and rotated").isFalse();
    assertThat(store.account(EngineFixture.DB).rotationAttempts()).isZero();
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

package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.EmergencyState;
import dev.breakglass.GrantStatus;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.tck.fixtures.InMemoryCredentialVault;
import dev.breakglass.tck.fixtures.MutableClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engine instances sharing one database for their state ({@code grant-store=postgresql}) and
 * their audit trail ({@code audit=postgresql}), as two pods of one application would: what one
 * instance does, the other sees and cannot do again.
 */
class PostgresClusterEngineTest {
  private static final BreakGlassPolicy POLICY = BreakGlassPolicy.builder()
      .account(AccountPolicy.builder("db-root").requesters("alice").custodians("carol", "dave").approvals(1)
          .emergencyRequired(false).build())
      .account(AccountPolicy.builder("payments-admin").requesters("alice").approvals(0).build())
      .incidentDeclarers("carol")
      .build();

  @TempDir Path dir;
  Path keyFile;
  TestDatabase db;

  @BeforeEach
  void sharedDatabaseAndKey() throws Exception {
    keyFile = dir.resolve("audit-signing.key");
    AuditSigningKey.generate().writeNew(keyFile);
    db = TestDatabase.create(EmbeddedPostgresServer.shared(), "cluster");
  }

  BreakGlass instance(String name) {
    return instance(name, Clock.systemUTC());
  }

  BreakGlass instance(String name, Clock clock) {
    return instance(name, clock, POLICY);
  }

  BreakGlass instance(String name, Clock clock, BreakGlassPolicy policy) {
    return BreakGlassEngine.builder().policy(policy).dataDirectory(dir.resolve(name)).clock(clock)
        .vault(InMemoryCredentialVault.of(Map.of("db-root", "s3cret".toCharArray(),
            "payments-admin", "pa55".toCharArray())))
        .fingerprintKey(new byte[32]).background(false)
        .property("grant-store", "postgresql")
        .property("grant-store.postgresql.url", db.url)
        .property("grant-store.postgresql.user", db.user)
        .property("grant-store.postgresql.password-file", db.passwordFile.toString())
        .property("grant-store.postgresql.pool-size", "16")
        .property("audit", "postgresql")
        .property("audit.postgresql.url", db.url)
        .property("audit.postgresql.user", db.user)
        .property("audit.postgresql.password-file", db.passwordFile.toString())
        .property("audit.postgresql.signing-key-file", keyFile.toString())
        .property("audit.postgresql.instance-id", name)
        .property("lease", "postgresql")
        .property("lease.postgresql.url", db.url)
        .property("lease.postgresql.user", db.user)
        .property("lease.postgresql.password-file", db.passwordFile.toString())
        .property("lease.postgresql.instance-id", name)
        .build();
  }

  static EmergencyAccessGrant request(BreakGlass engine) {
    return engine.requestAccess(AccessRequest.builder().requester("alice").account("db-root")
        .reason("primary IdP outage").duration(Duration.ofMinutes(10)).build());
  }

  @Test
  void anApprovalOnOneInstanceCompletesARequestMadeOnAnother() {
    try (BreakGlass a = instance("pod-a"); BreakGlass b = instance("pod-b")) {
      EmergencyAccessGrant onB = request(b);
      assertThat(onB.status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
      EmergencyAccessGrant seenByA = a.grant(onB.id()).orElseThrow();
      a.approve(Approval.of(seenByA, "carol"));
      assertThat(b.grant(onB.id()).orElseThrow().status()).isEqualTo(GrantStatus.ACTIVE);
      assertThat(b.openGrants()).extracting(EmergencyAccessGrant::id).containsExactly(onB.id());
      try (Credential c = b.grant(onB.id()).orElseThrow().releaseCredential()) {
        assertThat(new String(c.secret())).isEqualTo("s3cret");
      }
      // The account is held by the grant everywhere: the other instance refuses a second grant for it.
      assertThat(a.grant(onB.id()).orElseThrow().credentialReleased()).isTrue();
      b.close(onB.id(), "alice");
      assertThat(a.grant(onB.id()).orElseThrow().status()).isEqualTo(GrantStatus.CLOSED);
    }
  }

  @Test
  void sixtyFourThreadsOnTwoInstancesRaceForOneReleaseAndExactlyOneGetsTheCredential() throws Exception {
    try (BreakGlass a = instance("pod-a"); BreakGlass b = instance("pod-b")) {
      EmergencyAccessGrant g = request(a);
      b.approve(Approval.of(b.grant(g.id()).orElseThrow(), "dave"));
      List<BreakGlass> instances = List.of(a, b);
      int threads = 64;
      CyclicBarrier start = new CyclicBarrier(threads);
      ConcurrentLinkedQueue<String> secrets = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<ReasonCode> refusals = new ConcurrentLinkedQueue<>();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          BreakGlass on = instances.get(i % 2);
          done.add(pool.submit(() -> {
            EmergencyAccessGrant mine = on.grant(g.id()).orElseThrow();
            start.await();
            try (Credential c = mine.releaseCredential()) {
              secrets.add(new String(c.secret()));
            } catch (BreakGlassException e) {
              // refused on this instance (released already) or lost the race to the other one
              refusals.add(e.code());
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(secrets).containsExactly("s3cret");
      assertThat(refusals).hasSize(threads - 1).allMatch(c -> c == ReasonCode.ALREADY_RELEASED
          || c == ReasonCode.GRANT_NOT_ACTIVE);
      List<AuditEventCodec.Decoded> trail = PostgresAuditLog.readAll(db.dataSource());
      assertThat(trail).filteredOn(d -> d.event().type() == AuditEventType.CREDENTIAL_RELEASED)
          .as("the shared trail shows exactly one release").hasSize(1);
    }
  }

  @Test
  void anIncidentDeclaredOnOneInstanceOpensTheOthersAtItsNextSweepAndClosingItEndsTheirGrants() {
    try (BreakGlass a = instance("pod-a"); BreakGlass b = instance("pod-b")) {
      assertThat(b.emergencyState().isEmergency()).isFalse();
      EmergencyState.Incident incident = a.declareIncident("carol", "IdP outage");
      b.sweep();
      assertThat(b.emergencyState().isEmergency()).isTrue();
      assertThat(b.emergencyState().incident()).isNotNull().extracting(EmergencyState.Incident::id)
          .isEqualTo(incident.id());
      EmergencyAccessGrant g = b.requestAccess(AccessRequest.builder().requester("alice").account("payments-admin")
          .reason("payments down").duration(Duration.ofMinutes(10)).build());
      assertThat(g.status()).isEqualTo(GrantStatus.ACTIVE);

      a.closeIncident("carol", "IdP back");
      assertThat(a.grant(g.id()).orElseThrow().status()).as("the closing instance ends every open grant")
          .isNotEqualTo(GrantStatus.ACTIVE);
      b.sweep();
      assertThat(b.emergencyState().isEmergency()).isFalse();
      assertThat(b.grant(g.id()).orElseThrow().status()).isNotEqualTo(GrantStatus.ACTIVE);
      assertThat(PostgresAuditLog.readAll(db.dataSource()))
          .filteredOn(d -> d.event().type() == AuditEventType.EMERGENCY_OPENED).extracting(d -> d.instance())
          .as("each instance records its own emergency change").containsExactlyInAnyOrder("pod-a", "pod-b");
    }
  }

  @Test
  void onlyTheLeaseHolderEndsExpiredGrantsAndItsCleanStopHandsTheWorkOver() {
    MutableClock clock = new MutableClock(Instant.now());
    BreakGlass a = instance("pod-a", clock);
    try (BreakGlass b = instance("pod-b", clock)) {
      a.sweep();
      EmergencyAccessGrant g = b.requestAccess(AccessRequest.builder().requester("alice").account("db-root")
          .reason("outage").duration(Duration.ofMinutes(10)).build());
      b.approve(Approval.of(g, "carol"));
      clock.advance(Duration.ofMinutes(11));
      b.sweep();
      assertThat(grantRow(g.id())).as("pod-b does not hold the lease: it leaves expiry to pod-a")
          .contains("\"status\":\"ACTIVE\"");
      assertThat(b.grant(g.id()).orElseThrow().status()).as("unusable everywhere all the same")
          .isEqualTo(GrantStatus.EXPIRED);
      a.close();
      b.sweep();
      assertThat(grantRow(g.id())).as("pod-a stopped cleanly and gave the lease up: pod-b took over")
          .contains("\"status\":\"EXPIRED\"");
    } finally {
      a.close();
    }
  }

  private String grantRow(String id) {
    try (var c = db.dataSource().getConnection();
        var p = c.prepareStatement("SELECT doc::text FROM breakglass_grant WHERE id = ?")) {
      p.setString(1, id);
      try (var r = p.executeQuery()) {
        r.next();
        return r.getString(1).replace(" ", "");
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anIncidentReachesTheOtherInstanceThroughListenNotifyWithoutASweep() {
    try (BreakGlass a = instance("pod-a"); BreakGlass b = instance("pod-b")) {
      long declared = System.nanoTime();
      EmergencyState.Incident incident = a.declareIncident("carol", "IdP outage");
      waitUntil(() -> b.emergencyState().isEmergency());
      long openedAfter = System.nanoTime() - declared;
      assertThat(b.emergencyState().incident()).isNotNull().extracting(EmergencyState.Incident::id)
          .isEqualTo(incident.id());
      a.closeIncident("carol", "IdP back");
      waitUntil(() -> !b.emergencyState().isEmergency());
      System.out.printf("incident propagation through LISTEN/NOTIFY: %.1f ms%n", openedAfter / 1e6);
    }
  }

  /** Waits (never sweeping) for what the other instance's listener thread does; fails after 30 s. */
  private static void waitUntil(java.util.function.BooleanSupplier condition) {
    for (int i = 0; i < 3000 && !condition.getAsBoolean(); i++) {
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
    }
    assertThat(condition.getAsBoolean()).as("the other instance followed the incident").isTrue();
  }

  @Test
  void aRequestersRateLimitCountsOnEveryInstance() {
    BreakGlassPolicy oneAnHour = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("db-root").requesters("alice").custodians("carol").approvals(1)
            .emergencyRequired(false).build())
        .account(AccountPolicy.builder("payments-admin").requesters("alice").custodians("carol").approvals(1)
            .emergencyRequired(false).build())
        .rateLimit(new BreakGlassPolicy.RateLimit(1, Duration.ofHours(1), Duration.ofHours(1)))
        .build();
    Clock clock = Clock.systemUTC();
    try (BreakGlass a = instance("pod-a", clock, oneAnHour); BreakGlass b = instance("pod-b", clock, oneAnHour)) {
      request(a);
      assertThatThrownBy(() -> b.requestAccess(AccessRequest.builder().requester("alice").account("payments-admin")
          .reason("second try elsewhere").duration(Duration.ofMinutes(10)).build()))
          .isInstanceOf(BreakGlassException.class)
          .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.RATE_LIMITED));
    }
  }

  @Test
  void stateOutlivesEveryInstance() {
    String id;
    try (BreakGlass a = instance("pod-a")) {
      EmergencyAccessGrant g = request(a);
      a.approve(Approval.of(g, "carol"));
      id = g.id();
    }
    try (BreakGlass c = instance("pod-c")) {
      EmergencyAccessGrant g = c.grant(id).orElseThrow();
      assertThat(g.status()).isEqualTo(GrantStatus.ACTIVE);
      assertThat(g.approvals()).extracting(r -> r.custodian()).containsExactly("carol");
    }
  }
}

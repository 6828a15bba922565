package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.EngineMetrics;
import dev.breakglass.core.audit.JsonLinesAuditSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readings a metrics library gets from {@link EngineMetrics}, on a real engine. */
class EngineMetricsTest {
  @TempDir Path dir;

  private final List<AuditEventType> appended = new CopyOnWriteArrayList<>();
  private final List<AuditEventType> failed = new CopyOnWriteArrayList<>();
  private final List<Long> nanos = new CopyOnWriteArrayList<>();
  private final EngineMetrics metrics = new EngineMetrics().onAuditAppend(new EngineMetrics.AuditAppendListener() {
    @Override
    public void appended(AuditEvent event, long took) {
      appended.add(event.type());
      nanos.add(took);
    }

    @Override
    public void failed(AuditEvent event, RuntimeException failure, long took) {
      failed.add(event.type());
    }
  });
  private EngineFixture f;

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.close();
    }
  }

  private EngineFixture engine() {
    return new EngineFixture(dir, EngineFixture.defaultPolicy(), (fx, b) -> b.metrics(metrics)
        .property("alert.retry.initial-backoff", "10ms").property("alert.retry.max-backoff", "20ms")
        .property("alert.retry.max-attempts", "100000"));
  }

  @Test
  void listenersHearEveryDurableAppendWithItsDurationAndEveryRefusedOne() {
    f = engine();
    f.engine.declareIncident("sre-lead", "drill");
    // alert deliveries are recorded by the outbox's own thread, so they may come in between
    assertThat(appended).first().isEqualTo(AuditEventType.ENGINE_STARTED);
    assertThat(appended).containsSubsequence(AuditEventType.ENGINE_STARTED, AuditEventType.INCIDENT_DECLARED,
        AuditEventType.EMERGENCY_OPENED);
    assertThat(nanos).allSatisfy(n -> assertThat(n).isNotNegative());
    assertThat(f.audit.written().stream().map(AuditEvent::type)).containsAll(appended);

    f.audit.failing(true);
    assertThatThrownBy(() -> f.engine.requestAccess(f.dbRequest("alice").build()))
        .isInstanceOf(AuditUnavailableException.class);
    assertThat(failed).contains(AuditEventType.ACCESS_REQUESTED);
    assertThat(appended).doesNotContain(AuditEventType.ACCESS_REQUESTED);
  }

  @Test
  void aThrowingListenerChangesNothing() {
    EngineMetrics throwing = new EngineMetrics().onAuditAppend((event, took) -> {
      throw new IllegalStateException("listener bug");
    });
    f = new EngineFixture(dir, EngineFixture.defaultPolicy(), (fx, b) -> b.metrics(throwing));
    f.engine.declareIncident("sre-lead", "drill");
    assertThat(f.engine.emergencyState().isEmergency()).isTrue();
    assertThat(f.count(AuditEventType.INCIDENT_DECLARED)).isEqualTo(1);
  }

  @Test
  void outboxDepthCountsAlertsWaitingForADownChannelAndFallsToZeroWhenItIsBack() throws InterruptedException {
    assertThat(metrics.alertOutboxDepth()).as("before the engine is built").isZero();
    f = engine();
    f.alerts.down(true);
    f.engine.declareIncident("sre-lead", "drill");
    // INCIDENT_DECLARED and EMERGENCY_OPENED wait for the recording channel, which keeps retrying; so does
    // ENGINE_STARTED unless its delivery got through before the channel went down.
    assertThat(metrics.alertOutboxDepth()).isIn(2, 3);
    f.alerts.down(false);
    f.alerts.await(AuditEventType.EMERGENCY_OPENED);
    awaitDepth(0);
  }

  @Test
  void taintedAccountsComeFromTheGrantStoreUntilRotated() {
    f = engine();
    assertThat(metrics.taintedAccounts()).isEmpty();
    f.rotator.failNext(1);
    EmergencyAccessGrant grant = f.activeDbGrant();
    try (Credential ignored = grant.releaseCredential()) {
      assertThat(metrics.taintedAccounts()).as("in use, not yet tainted").isEmpty();
    }
    f.engine.revoke(grant.id(), "carol", "done");
    assertThat(metrics.taintedAccounts()).containsExactly(EngineFixture.DB);
    f.engine.sweep();
    assertThat(metrics.taintedAccounts()).as("the first rotation failed").containsExactly(EngineFixture.DB);
    f.clock.advance(Duration.ofMinutes(1));
    f.engine.sweep();
    assertThat(f.rotator.rotations()).isOne();
    assertThat(metrics.taintedAccounts()).isEmpty();
  }

  @Test
  void oneInstanceServesOneEngine() {
    f = engine();
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(dir.resolve("second.jsonl"))) {
      BreakGlassEngine.Builder second = BreakGlassEngine.builder().policy(EngineFixture.defaultPolicy())
          .dataDirectory(dir.resolve("second")).auditSink(sink).vault(new MapVault()).background(false)
          .metrics(metrics);
      assertThatThrownBy(second::build).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("one per engine");
    }
  }

  private void awaitDepth(int depth) throws InterruptedException {
    for (int i = 0; i < 3000 && metrics.alertOutboxDepth() != depth; i++) {
      Thread.sleep(10);
    }
    assertThat(metrics.alertOutboxDepth()).isEqualTo(depth);
  }
}

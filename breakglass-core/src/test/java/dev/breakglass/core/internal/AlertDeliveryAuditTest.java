package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertDeliveryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery success and final failure of every alert are both in the audit log. */
class AlertDeliveryAuditTest {
  @TempDir Path dir;

  /** A receiver that rejects everything for good, like a webhook answering 400. */
  static final class RejectingChannel implements AlertChannel {
    @Override
    public String name() {
      return "rejecting";
    }

    @Override
    public void deliver(Alert alert) {
      throw new AlertDeliveryException("receiver answered 400 Bad Request", false);
    }
  }

  @Test
  void deliveredAndFinallyFailedAlertsAreAudited() throws Exception {
    try (EngineFixture f = new EngineFixture(dir, EngineFixture.defaultPolicy(),
        (fixture, b) -> b.alertChannel(new RejectingChannel()))) {
      f.engine.declareIncident("sre-lead", "outage");
      f.alerts.await(AuditEventType.INCIDENT_DECLARED);
      List<AuditEvent> all = awaitDeliveryRecords(f, 2);
      assertThat(all).anySatisfy(e -> {
        assertThat(e.type()).isEqualTo(AuditEventType.ALERT_DELIVERED);
        assertThat(e.details()).containsEntry("alertType", "INCIDENT_DECLARED").containsKey("channel");
      });
      assertThat(all).anySatisfy(e -> {
        assertThat(e.type()).isEqualTo(AuditEventType.ALERT_FAILED);
        assertThat(e.details()).containsEntry("alertType", "INCIDENT_DECLARED")
            .hasEntrySatisfying("reason", r -> assertThat(r).startsWith("receiver answered 400 Bad Request"));
      });
    }
  }

  private static List<AuditEvent> awaitDeliveryRecords(EngineFixture f, int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      List<AuditEvent> all = new EngineFixture.AuditFile(f.auditFile).events();
      long n = all.stream().filter(e -> e.type() == AuditEventType.ALERT_DELIVERED
          || e.type() == AuditEventType.ALERT_FAILED).filter(e -> "INCIDENT_DECLARED".equals(e.details().get("alertType")))
          .map(AuditEvent::type).distinct().count();
      if (n >= atLeast || System.nanoTime() > deadline) {
        return all;
      }
      Thread.sleep(20);
    }
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditSink;
import dev.breakglass.core.alert.AlertDeliveryListener;
import dev.breakglass.spi.Alert;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes alert delivery outcomes to the audit log. These records raise no alert of their own (an
 * alert about an alert could loop), and a failure to write them is logged, never thrown into the
 * delivery thread. Deliveries of {@link AuditEventType#AUDIT_CHECKPOINT} copies are not recorded:
 * each record would need a checkpoint of its own, whose copy would be delivered and recorded, for
 * ever; the checkpoint itself is in the log.
 */
public final class DeliveryAuditor implements AlertDeliveryListener {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryAuditor.class);

  private final AuditSink sink;
  private final Clock clock;

  public DeliveryAuditor(AuditSink sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  @Override
  public void delivered(Alert alert, String channel, int attempts, Instant time) {
    write(AuditEventType.ALERT_DELIVERED, alert, channel, attempts, null, time);
  }

  @Override
  public void failed(Alert alert, String channel, int attempts, String reason, Instant time) {
    write(AuditEventType.ALERT_FAILED, alert, channel, attempts, reason, time);
  }

  @Override
  public void outboxUnavailable(Alert alert, Exception error) {
    LOG.error("alert {} ({}) could not be written to the outbox: {}", alert.id(), alert.type(), error.toString());
  }

  /** Refused outbox lines are recorded before the CRITICAL alert about them is dispatched. */
  @Override
  public void outboxTampered(Path quarantined, int lines, String problem) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("file", quarantined.toString());
    details.put("lines", Integer.toString(lines));
    details.put("problem", problem);
    try {
      sink.append(new AuditEvent(clock.instant(), AuditEventType.ALERT_OUTBOX_TAMPERED, AuditEvent.SYSTEM, null, null,
          details));
    } catch (RuntimeException e) {
      LOG.error("could not audit {} refused alert outbox line(s) moved to {}: {}", lines, quarantined, e.toString());
    }
  }

  private void write(AuditEventType type, Alert alert, String channel, int attempts, String reason, Instant time) {
    if (alert.type() == AuditEventType.AUDIT_CHECKPOINT) {
      return;
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("alert", alert.id());
    details.put("alertType", alert.type().name());
    details.put("channel", channel);
    details.put("attempts", Integer.toString(attempts));
    if (reason != null) {
      details.put("reason", reason);
    }
    try {
      sink.append(new AuditEvent(time, type, AuditEvent.SYSTEM, alert.grantId(), alert.account(), details));
    } catch (RuntimeException e) {
      LOG.error("could not audit {} of alert {} on {}: {}", type, alert.id(), channel, e.toString());
    }
  }
}

package dev.breakglass.core.alert;

import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dispatcher tells about its outbox: the listener's calls, which must never stop a
 * dispatch (a listener that throws is logged), and the critical alert that reports lines refused
 * by the MAC check at start.
 */
final class OutboxNotices {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxNotices.class);

  private OutboxNotices() {}

  /** Logs that {@code alert} could not be written to the outbox, and tells {@code listener}. */
  static void outboxUnavailable(AlertDeliveryListener listener, Alert alert, Exception error) {
    LOG.error("alert {} could not be written to the outbox; delivering from memory only: {}", alert.id(),
        error.getMessage());
    try {
      listener.outboxUnavailable(alert, error);
    } catch (RuntimeException e) {
      LOG.warn("alert delivery listener failed on 'outboxUnavailable' for alert {}: {}", alert.id(), e.toString());
    }
  }

  /** Logs the refused lines and tells {@code listener} where they were moved. */
  static void tampered(AlertDeliveryListener listener, OutboxLedger.Refusal refusal) {
    LOG.error("alert outbox: {} line(s) failed the MAC check and were refused, not delivered ({}); moved to {}",
        refusal.lines(), refusal.problem(), refusal.quarantined());
    try {
      listener.outboxTampered(refusal.quarantined(), refusal.lines(), refusal.problem());
    } catch (RuntimeException e) {
      LOG.warn("alert delivery listener failed on 'outboxTampered': {}", e.toString());
    }
  }

  /** The critical {@code ALERT_OUTBOX_TAMPERED} alert for {@code refusal}, raised at {@code now}. */
  static Alert tamperAlert(OutboxLedger.Refusal refusal, Instant now) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("file", refusal.quarantined().toString());
    details.put("lines", Integer.toString(refusal.lines()));
    details.put("problem", refusal.problem());
    return new Alert(UUID.randomUUID().toString(), now, Severity.CRITICAL, AuditEventType.ALERT_OUTBOX_TAMPERED,
        refusal.lines() + " alert outbox line(s) failed the MAC check (injected or altered on disk) and were"
            + " refused, not delivered", null, null, details);
  }
}

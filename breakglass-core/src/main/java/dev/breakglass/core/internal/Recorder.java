package dev.breakglass.core.internal;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditSink;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.core.alert.AlertDispatcher;
import dev.breakglass.core.audit.TamperEvidentAuditLog;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.Severity;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every arrow of the lifecycle goes through here: the audit record first (durable, or the caller
 * gets {@link AuditUnavailableException} and must not act), then the alert. Details pass through
 * {@link AuditDetails}, so every value whose key is not declared clear is fingerprinted here and
 * nowhere else. A state change that must sit between the two steps (the grant's compare-and-set)
 * uses {@link #audit} and {@link #alert} separately ({@link GrantStateMachine}). Thread-safe.
 */
final class Recorder {
  private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);

  private final AuditSink sink;
  private final AlertDispatcher alerts;
  private final Clock clock;
  private final AuditDetails.Protection protection;

  Recorder(AuditSink sink, AlertDispatcher alerts, Clock clock, AuditDetails.Protection protection) {
    this.sink = sink;
    this.alerts = alerts;
    this.clock = clock;
    this.protection = protection;
  }

  Clock clock() {
    return clock;
  }

  /** New, empty details for one record; values are protected as they are added. */
  AuditDetails details() {
    return new AuditDetails(protection);
  }

  /**
   * Writes the audit record and nothing else.
   *
   * @throws AuditUnavailableException if the record is not durable
   */
  AuditEvent audit(AuditEventType type, String actor, @Nullable String grantId, @Nullable String account,
      AuditDetails details) {
    if (DrillGrants.isDrill(grantId) && details.get("drillId") == null) {
      // Every record about a drill grant says so, whichever part of the engine writes it.
      details.put("drill", "true").put("drillId", grantId);
    }
    AuditEvent event = new AuditEvent(clock.instant(), type, actor, grantId, account, details.asMap());
    try {
      sink.append(event);
    } catch (AuditUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new AuditUnavailableException("audit sink failed to record " + type + ": " + e.getMessage(), e);
    }
    return event;
  }

  /**
   * Raises the alert for an event already audited. Never throws.
   *
   * @return the alert's delivery future (completes when a channel confirmed delivery)
   */
  CompletableFuture<Void> alert(AuditEvent event, String summary, String alertId) {
    Alert alert = new Alert(alertId, event.time(), severityOf(event.type()), event.type(),
        drillMarked(event.details(), summary), event.grantId(), event.account(), event.details());
    try {
      return alerts.dispatch(alert);
    } catch (RuntimeException e) {
      LOG.error("alert dispatch failed for {} ({}): {}", event.type(), alert.id(), e.toString());
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Audits, then alerts.
   *
   * @return the alert's delivery future (completes when a channel confirmed delivery)
   * @throws AuditUnavailableException if the record is not durable; no alert is sent then
   */
  CompletableFuture<Void> record(AuditEventType type, String actor, @Nullable String grantId,
      @Nullable String account, AuditDetails details, String summary) {
    return alert(audit(type, actor, grantId, account, details), summary, UUID.randomUUID().toString());
  }

  /** Like {@link #record(AuditEventType, String, String, String, AuditDetails, String)}, details protected first. */
  CompletableFuture<Void> record(AuditEventType type, String actor, @Nullable String grantId,
      @Nullable String account, Map<String, String> details, String summary) {
    return record(type, actor, grantId, account, details().putAll(details), summary);
  }

  /**
   * Like {@link #record}, for refusals and observations that happen whether or not they can be
   * audited: a failure to audit is logged and attached to nothing, and the alert still goes out.
   */
  void recordRefusal(AuditEventType type, String actor, @Nullable String grantId, @Nullable String account,
      AuditDetails details, String summary) {
    try {
      record(type, actor, grantId, account, details, summary);
    } catch (AuditUnavailableException e) {
      LOG.error("could not audit {} for account {}: {}", type, account, e.getMessage());
      Alert alert = new Alert(UUID.randomUUID().toString(), clock.instant(), Severity.CRITICAL, type,
          drillMarked(details.asMap(), summary) + " (audit unavailable)", grantId, account, details.asMap());
      try {
        alerts.dispatch(alert);
      } catch (RuntimeException ex) {
        LOG.error("alert dispatch failed for {}: {}", type, ex.toString());
      }
    }
  }

  /** Like {@link #recordRefusal(AuditEventType, String, String, String, AuditDetails, String)}, details protected first. */
  void recordRefusal(AuditEventType type, String actor, @Nullable String grantId, @Nullable String account,
      Map<String, String> details, String summary) {
    recordRefusal(type, actor, grantId, account, details().putAll(details), summary);
  }

  /**
   * Records a refusal about an existing grant (see {@link #recordRefusal}) and returns the exception
   * the caller throws.
   */
  AccessDeniedException refuse(AuditEventType type, Refusal refusal, String actor, GrantRecord grant) {
    recordRefusal(type, actor, grant.id(), grant.account(),
        details().put("reason", refusal.code().name()).put("detail", refusal.message()), refusal.message());
    return new AccessDeniedException(refusal.code(), refusal.message(), grant.id());
  }

  /**
   * Asks the dispatcher again about an alert already dispatched under {@code alertId}: it starts
   * nothing new and the future says whether a channel has confirmed it.
   */
  CompletableFuture<Void> confirmation(String alertId, AuditEventType type, @Nullable String grantId,
      @Nullable String account, String summary) {
    try {
      return alerts.dispatch(new Alert(alertId, clock.instant(), severityOf(type), type, summary, grantId, account,
          Map.of()));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** A drill's alert summary starts with {@code [DRILL]}, so no reader mistakes it for real access. */
  static String drillMarked(Map<String, String> details, String summary) {
    return "true".equals(details.get("drill")) && !summary.startsWith("[DRILL]") ? "[DRILL] " + summary : summary;
  }

  /**
   * Makes every record appended so far durable under a signed checkpoint, where the audit sink is
   * the embedded tamper-evident log, so that they can be proven at once (drill evidence). Other
   * sinks sign nothing; for them this does nothing.
   */
  void checkpoint() {
    if (sink instanceof TamperEvidentAuditLog log) {
      try {
        log.checkpoint();
      } catch (AuditUnavailableException e) {
        LOG.error("could not sign a checkpoint: {}", e.getMessage());
      }
    }
  }

  /** The audit sink records go to (read back for the drill history). */
  AuditSink sink() {
    return sink;
  }

  /** The severity policy: requests INFO, grants and releases HIGH, use outside an emergency CRITICAL. */
  static Severity severityOf(AuditEventType type) {
    switch (type) {
      case USE_OUTSIDE_EMERGENCY:
      case ROTATION_FAILED:
      case AUDIT_LOG_REPAIRED:
      case AUDIT_LOG_REFUSED:
      case DRILL_FAILED:
      case CREDENTIALS_UNUSABLE:
      case ALERT_OUTBOX_TAMPERED:
      case LOGIN_REFUSALS_SUMMARIZED:
      case STATE_STORE_CORRECTED:
        return Severity.CRITICAL;
      case GRANT_ISSUED:
      case CREDENTIAL_RELEASED:
      case CREDENTIAL_RELEASE_REFUSED:
      case CREDENTIAL_RELEASE_LOST_RACE:
      case EMERGENCY_LOGIN:
      case EMERGENCY_LOGIN_REFUSED:
      case EMERGENCY_OPENED:
      case INCIDENT_DECLARED:
      case GRANT_REVOKED:
      case APPROVAL_REFUSED:
      case ALERT_FAILED:
      case DRILL_OVERDUE:
        return Severity.HIGH;
      default:
        return Severity.INFO;
    }
  }
}

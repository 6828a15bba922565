package dev.breakglass.core.internal;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditSink;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.core.audit.AuditLogCorruptException;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.core.audit.Checkpoint;
import dev.breakglass.core.audit.TamperEvidentAuditLog;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the audit log already says about drills when the engine starts: each account's last
 * successful drill ({@link AuditEventType#DRILL_COMPLETED}), its last stale-drill alert
 * ({@link AuditEventType#DRILL_OVERDUE}), and the time of the log's first record (when this
 * deployment started keeping records). The log is the only store: nothing about drills is kept
 * anywhere else, so what survives a restart is exactly what was audited.
 *
 * <p>Read from the embedded tamper-evident log only, up to the checkpoint {@link #of} signs while
 * the engine is built (records after it are this process's own, which {@link Drills} tracks in
 * memory). Reading is deferred to the first use, so building the engine does not wait for a long
 * log. Other sinks cannot be read back; with them the history starts empty. Immutable once read.
 */
final class DrillHistory {
  private static final Logger LOG = LoggerFactory.getLogger(DrillHistory.class);
  private static final DrillHistory EMPTY = new DrillHistory(Map.of(), Map.of(), null);

  /** Where to read the history from, fixed while the engine is built. */
  interface Source {
    DrillHistory read();
  }

  private final Map<String, Instant> lastSuccess;
  private final Map<String, Instant> lastOverdue;
  private final @Nullable Instant firstRecord;

  private DrillHistory(Map<String, Instant> lastSuccess, Map<String, Instant> lastOverdue,
      @Nullable Instant firstRecord) {
    this.lastSuccess = Map.copyOf(lastSuccess);
    this.lastOverdue = Map.copyOf(lastOverdue);
    this.firstRecord = firstRecord;
  }

  /**
   * The history source for {@code sink}: for the embedded log, its records up to a checkpoint signed
   * now (so every one of them is durable and complete on disk); for any other sink, nothing.
   */
  static Source of(AuditSink sink) {
    if (!(sink instanceof TamperEvidentAuditLog log)) {
      return () -> EMPTY;
    }
    Checkpoint c;
    try {
      c = log.checkpoint();
    } catch (AuditUnavailableException e) {
      LOG.error("could not sign a checkpoint to read the drill history: {}", e.getMessage());
      return () -> EMPTY;
    }
    long limit = c == null ? 0 : c.treeSize();
    Path dir = log.directory();
    return () -> limit == 0 ? EMPTY : read(dir, limit);
  }

  /** Reads the first {@code limit} records of the log in {@code dir}. */
  static DrillHistory read(Path dir, long limit) {
    Map<String, Instant> success = new HashMap<>();
    Map<String, Instant> overdue = new HashMap<>();
    Instant first = null;
    try (AuditLogReader reader = AuditLogReader.open(dir)) {
      for (AuditLogReader.Entry e = reader.next(); e != null; e = reader.next()) {
        if (!(e instanceof AuditLogReader.RecordEntry r)) {
          continue;
        }
        if (r.index() >= limit) {
          break;
        }
        AuditEvent event = r.event();
        if (first == null) {
          first = event.time();
        }
        if (event.account() == null) {
          continue;
        }
        if (event.type() == AuditEventType.DRILL_COMPLETED) {
          success.merge(event.account(), event.time(), DrillHistory::later);
        } else if (event.type() == AuditEventType.DRILL_OVERDUE) {
          overdue.merge(event.account(), event.time(), DrillHistory::later);
        }
      }
    } catch (AuditLogCorruptException | UncheckedIOException e) {
      // The log verified when it opened; if it cannot be read now, drills count from what was read.
      LOG.error("could not read the drill history from the audit log {}: {}", dir, e.getMessage());
    }
    return new DrillHistory(success, overdue, first);
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** Each account's last successful drill. */
  Map<String, Instant> lastSuccess() {
    return lastSuccess;
  }

  /**
   * The stale-drill alert already raised for an account after its last successful drill (so a
   * restart does not raise it again), or {@code null}.
   */
  @Nullable Instant overdueAlertedSinceLastSuccess(String account) {
    Instant overdue = lastOverdue.get(account);
    Instant success = lastSuccess.get(account);
    return overdue != null && (success == null || overdue.isAfter(success)) ? overdue : null;
  }

  /** When the log's first record was written, or {@code null} for an empty (or unreadable) log. */
  @Nullable Instant firstRecord() {
    return firstRecord;
  }
}

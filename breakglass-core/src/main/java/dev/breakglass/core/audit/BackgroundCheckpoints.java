package dev.breakglass.core.audit;

import dev.breakglass.AuditUnavailableException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon thread that signs a checkpoint once the interval has passed with records waiting
 * ({@link TamperEvidentAuditLog#checkpointIfDue()}), so records are covered even when no one asks.
 */
final class BackgroundCheckpoints {
  private static final Logger LOG = LoggerFactory.getLogger(TamperEvidentAuditLog.class);

  private final ScheduledExecutorService scheduler;

  private BackgroundCheckpoints(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /** Checks {@code log} every {@code interval} (at least every millisecond). */
  static BackgroundCheckpoints start(TamperEvidentAuditLog log, Duration interval) {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread t = new Thread(runnable, "breakglass-audit-checkpoints");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(1, interval.toMillis());
    s.scheduleWithFixedDelay(() -> checkpointIfDue(log), period, period, TimeUnit.MILLISECONDS);
    return new BackgroundCheckpoints(s);
  }

  private static void checkpointIfDue(TamperEvidentAuditLog log) {
    try {
      log.checkpointIfDue();
    } catch (AuditUnavailableException e) {
      LOG.debug("Background checkpoint skipped: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("Background checkpoint of audit log {} failed", log.directory(), e);
    }
  }

  /** Stops the thread, interrupting a checkpoint in progress. */
  void stop() {
    scheduler.shutdownNow();
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.spi.WorkerLease;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's background work: the thread that runs health checks and sweeps, and the worker
 * lease that decides whether this instance also runs the work every instance sharing the store
 * would otherwise do at once (expiry, rotation retries, overdue drills). Thread-safe.
 */
final class EngineBackground {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  private final WorkerLease lease;
  private volatile boolean heldLease = true;
  private volatile @Nullable ScheduledExecutorService scheduler;

  EngineBackground(WorkerLease lease) {
    this.lease = lease;
  }

  /**
   * Schedules {@code healthCheck} and {@code sweep} at the configured intervals, if the engine runs
   * background threads at all (a zero interval or no probes schedules nothing of that kind).
   */
  void start(Engine.Config config, Runnable healthCheck, Runnable sweep) {
    if (!config.background()) {
      return;
    }
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(daemon("breakglass-monitor"));
    long health = config.healthCheckInterval().toMillis();
    if (!config.probes().isEmpty() && health > 0) {
      s.scheduleWithFixedDelay(healthCheck, health, health, TimeUnit.MILLISECONDS);
    }
    long every = config.sweepInterval().toMillis();
    if (every > 0) {
      s.scheduleWithFixedDelay(sweep, every, every, TimeUnit.MILLISECONDS);
    }
    scheduler = s;
  }

  /** Stops the background thread, interrupting a run in progress. */
  void stop() {
    ScheduledExecutorService s = scheduler;
    if (s != null) {
      s.shutdownNow();
    }
  }

  /**
   * Whether this instance holds the worker lease now. A lease that cannot be reached counts as not
   * held (the holder, or the next one, does the work); a change either way is logged once.
   */
  boolean holdsLease() {
    boolean holds;
    try {
      holds = lease.tryHold();
    } catch (RuntimeException e) {
      LOG.warn("worker lease unavailable, this instance skips the cluster-wide sweep: {}", e.toString());
      holds = false;
    }
    if (holds != heldLease) {
      heldLease = holds;
      if (holds) {
        LOG.info("this instance now runs the cluster-wide background work (lease token {})", lease.token());
      } else {
        LOG.info("this instance no longer runs the cluster-wide background work");
      }
    }
    return holds;
  }

  /** Runs background work whose failure must not stop the thread: the failure is logged, as an error or a warning. */
  static void quietly(String failure, boolean error, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      if (error) {
        LOG.error("{}: {}", failure, e.toString());
      } else {
        LOG.warn("{}: {}", failure, e.toString());
      }
    }
  }

  /** Daemon threads named {@code name}: background work never keeps the host's JVM alive. */
  static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}

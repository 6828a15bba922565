package dev.breakglass.core.audit;

import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.WitnessedCheckpoint;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every durable checkpoint to the log's {@link CheckpointWitness witnesses}, in order, on one
 * thread of its own, so that a slow witness never holds up the writer or an appender. A witness
 * that fails is logged at ERROR and gets the next checkpoint as usual; the start-up check of the
 * next open only needs the newest one it did keep.
 *
 * <p>Version 1 checkpoints (of logs written before log ids) are not witnessed: a witness keeps only
 * checkpoints that name their log. Logs kept outside this package (the PostgreSQL audit sink) use it
 * too, so every log hands checkpoints to witnesses the same way. Thread-safe.
 */
public final class WitnessPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WitnessPublisher.class);
  private static final long CLOSE_WAIT_SECONDS = 30;

  private final String log;
  private final List<CheckpointWitness> witnesses = new CopyOnWriteArrayList<>();
  private final ExecutorService executor;

  /**
   * A publisher to {@code witnesses}; {@code log} names the log in messages (a directory, a
   * database URL without credentials). It does not close the witnesses.
   */
  public WitnessPublisher(String log, List<CheckpointWitness> witnesses) {
    this.log = log;
    this.witnesses.addAll(witnesses);
    ThreadPoolExecutor e = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        runnable -> {
          Thread t = new Thread(runnable, "breakglass-audit-witness");
          t.setDaemon(true);
          return t;
        });
    this.executor = e;
  }

  /** Hands {@code checkpoint} to every witness, in the background. */
  public void publish(Checkpoint checkpoint) {
    if (checkpoint.logId() == null || witnesses.isEmpty()) {
      return;
    }
    submit(() -> {
      for (CheckpointWitness w : witnesses) {
        deliver(w, checkpoint);
      }
    });
  }

  /** Adds a witness and hands it {@code latest} (if any), so that it starts up to date. */
  void add(CheckpointWitness witness, @Nullable Checkpoint latest) {
    witnesses.add(witness);
    if (latest != null && latest.logId() != null) {
      submit(() -> deliver(witness, latest));
    }
  }

  private void submit(Runnable task) {
    try {
      executor.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.warn("Audit log {}: a checkpoint arrived after the witnesses were closed; not witnessed", log);
    }
  }

  private void deliver(CheckpointWitness w, Checkpoint c) {
    try {
      w.witness(WitnessedCheckpoint.parse(c.toText()));
    } catch (RuntimeException e) {
      LOG.error("Audit log {}: checkpoint witness '{}' did not keep checkpoint {} (log {}): {}", log, w.name(),
          c.treeSize(), c.logId(), e.toString());
    }
  }

  /** Hands over everything queued (waiting up to 30 s), then stops. Does not close the witnesses. */
  @Override
  public void close() {
    executor.shutdown();
    GroupCommit.uninterruptibly(() -> {
      if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.error("Audit log {}: checkpoint witnesses still busy after {} s; giving up on the rest", log,
            CLOSE_WAIT_SECONDS);
        executor.shutdownNow();
      }
    });
  }
}

package dev.breakglass.core.audit;

import dev.breakglass.AuditUnavailableException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The records of one write and force; their appenders wait on it outside the lock, and the writer
 * wakes each of them directly when the batch is durable (no lock to reacquire, no wake-up chain).
 */
final class CommitBatch {
  private final Queue<Thread> waiters = new ConcurrentLinkedQueue<>();
  private volatile boolean done;
  private @Nullable AuditUnavailableException error;

  /** Completes the batch, durable or with {@code e}; only the first completion counts. */
  void complete(@Nullable AuditUnavailableException e) {
    if (done) {
      return;
    }
    error = e;
    done = true;
    for (Thread t : waiters) {
      LockSupport.unpark(t);
    }
  }

  /** Waits (uninterruptibly: the record is already ordered) until the batch is durable. */
  void await() {
    waiters.add(Thread.currentThread());
    boolean interrupted = false;
    while (!done) {
      LockSupport.park(this);
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    AuditUnavailableException e = error;
    if (e != null) {
      throw new AuditUnavailableException("audit record not durable: " + e.getMessage(), e);
    }
  }
}

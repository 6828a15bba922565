package dev.breakglass.core.durable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One fsync per file per engine operation, done before the operation returns.
 *
 * <p>An engine operation (a request, an approval, a login, a sweep) changes several records in the same
 * append-only files: a request counts against the requester's rate limit, reserves the account, stores
 * the grant, issues it, and queues two alerts. Each of those writes used to force its file on its own,
 * one fsync after the other. Inside {@link #run} a file that is written asks to be forced
 * ({@link #defer}) instead of forcing; when the outermost {@code run} on the thread ends, whether the
 * operation returned or threw, every file that asked is forced once (the first on the calling thread,
 * the others at the same time on helper threads). So
 * nothing the operation changed is acknowledged to its caller before it is on disk, and the operation
 * pays one fsync per file instead of one per record.
 *
 * <p>What this does not change: the audit log is not deferred (its record must be durable before the
 * state change it records), and a write outside any {@code run} forces as before. A file's records are
 * appended in the order the changes happened, so forcing the file makes every earlier change durable,
 * another thread's included; a reader that acts on a change not yet forced either fails (a refusal,
 * which is safe to lose) or is itself an operation whose own force covers it.
 *
 * <p>If a force fails, the operation fails with that error (added as suppressed if the operation
 * already threw): its caller never sees success for a change that may not be on disk.
 */
public final class SyncScope {
  private static final ThreadLocal<@Nullable SyncScope> CURRENT = new ThreadLocal<>();
  /** Threads that force the second and further files of an operation; idle ones end after a minute. */
  private static final ExecutorService FORCERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
      new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "breakglass-force");
        t.setDaemon(true);
        return t;
      });

  private final Map<Object, Runnable> forces = new LinkedHashMap<>();
  private int depth;

  private SyncScope() {}

  /**
   * Runs {@code operation}; files written inside it that {@link #defer} are forced once when the
   * outermost {@code run} of the calling thread ends.
   *
   * @return what {@code operation} returned
   * @throws RuntimeException what {@code operation} threw, or else the first failed force
   */
  public static <T> T run(Supplier<T> operation) {
    SyncScope scope = CURRENT.get();
    if (scope == null) {
      scope = new SyncScope();
      CURRENT.set(scope);
    }
    scope.depth++;
    T result;
    try {
      result = operation.get();
    } catch (RuntimeException | Error e) {
      RuntimeException forceFailure = scope.leave();
      if (forceFailure != null) {
        e.addSuppressed(forceFailure);
      }
      throw e;
    }
    RuntimeException forceFailure = scope.leave();
    if (forceFailure != null) {
      throw forceFailure;
    }
    return result;
  }

  /** {@link #run(Supplier)} for an operation without a result. */
  public static void run(Runnable operation) {
    run(() -> {
      operation.run();
      return null;
    });
  }

  /**
   * Asks for {@code file} to be forced when the calling thread's operation ends.
   *
   * @param file identifies the file (its owner object); asking twice keeps the first {@code force}
   * @param force forces everything written to the file so far; run on the calling thread
   * @return {@code true} if deferred (the caller must not wait for its own force); {@code false} if the
   *     calling thread is in no operation and must force now, as before
   */
  public static boolean defer(Object file, Runnable force) {
    SyncScope scope = CURRENT.get();
    if (scope == null || scope.depth == 0) {
      return false;
    }
    scope.forces.putIfAbsent(file, force);
    return true;
  }

  /** Whether the calling thread is inside {@link #run}. */
  public static boolean active() {
    SyncScope scope = CURRENT.get();
    return scope != null && scope.depth > 0;
  }

  private @Nullable RuntimeException leave() {
    if (--depth > 0) {
      return null;
    }
    // The scope is gone before the forces run: a write made by a force forces itself.
    CURRENT.remove();
    List<Runnable> pending = new ArrayList<>(forces.values());
    forces.clear();
    if (pending.isEmpty()) {
      return null;
    }
    // Files are independent: all but the first are forced on other threads while this one forces the
    // first, so the operation waits about one fsync, not one per file.
    List<Future<?>> others = new ArrayList<>(pending.size() - 1);
    for (Runnable force : pending.subList(1, pending.size())) {
      others.add(FORCERS.submit(force));
    }
    RuntimeException failure = null;
    try {
      pending.get(0).run();
    } catch (RuntimeException e) {
      failure = e;
    }
    boolean interrupted = false;
    for (Future<?> other : others) {
      while (true) {
        try {
          other.get();
          break;
        } catch (InterruptedException e) {
          // the force still runs; the caller must not see success before it ends
          interrupted = true;
        } catch (ExecutionException e) {
          RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
              : new IllegalStateException("forcing a file failed: " + e.getCause(), e.getCause());
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return failure;
  }
}

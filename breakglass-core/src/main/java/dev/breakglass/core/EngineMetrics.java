package dev.breakglass.core;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditSink;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.core.alert.AlertDispatcher;
import dev.breakglass.core.alert.OutboxAlertDispatcher;
import dev.breakglass.spi.GrantStore;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readings from inside one engine that a metrics library (Micrometer, OpenTelemetry, JMX) exports
 * and that the {@link dev.breakglass.BreakGlass} API does not answer: how long each audit append
 * takes, how many alerts wait in the durable outbox, and which accounts are tainted.
 *
 * <pre>{@code
 * EngineMetrics metrics = new EngineMetrics()
 *     .onAuditAppend((event, nanos) -> appendTimer.record(nanos, TimeUnit.NANOSECONDS));
 * BreakGlass breakGlass = BreakGlassEngine.builder()
 *     .policyFile(policyFile).dataDirectory(dataDirectory)
 *     .metrics(metrics)
 *     .build();
 * Gauge.builder("breakglass.alerts.outbox.depth", metrics, EngineMetrics::alertOutboxDepth).register(registry);
 * }</pre>
 *
 * <p>One instance serves one engine: {@link BreakGlassEngine.Builder#build()} refuses an instance
 * that already serves another. Before that engine is built, {@link #alertOutboxDepth()} reads 0
 * and {@link #taintedAccounts()} is empty. Listeners hear every append from the first one the
 * engine makes (the first health round runs inside {@code build()}). Thread-safe; the readings are
 * cheap enough for a gauge scraped every few seconds.
 */
public final class EngineMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(EngineMetrics.class);

  /**
   * Hears each append to the engine's audit sink, with its duration. Called on the thread that
   * appended, after the sink returned (or threw): implementations must be thread-safe and quick.
   * What a listener throws is logged and ignored; it never changes the outcome of the append, so
   * fail-closed auditing is unchanged.
   */
  public interface AuditAppendListener {
    /** {@code event} is durable; the append took {@code nanos} nanoseconds. */
    void appended(AuditEvent event, long nanos);

    /**
     * The sink could not make {@code event} durable (the engine refuses the step); the attempt took
     * {@code nanos} nanoseconds. No-op by default.
     */
    default void failed(AuditEvent event, RuntimeException failure, long nanos) {}
  }

  private final List<AuditAppendListener> listeners = new CopyOnWriteArrayList<>();
  private volatile @Nullable OutboxAlertDispatcher outbox;
  private volatile @Nullable GrantStore store;
  private volatile List<String> accounts = List.of();
  private volatile boolean bound;

  /** Readings for one engine, with no listener yet. */
  public EngineMetrics() {}

  /** Adds a listener for audit appends; it hears appends made from now on. Returns this. */
  public EngineMetrics onAuditAppend(AuditAppendListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Alerts accepted by the engine's durable outbox and not yet delivered (or finally failed) on
   * every channel they are routed to. Stays above 0 while a channel is down and retrying.
   */
  public int alertOutboxDepth() {
    OutboxAlertDispatcher o = outbox;
    return o == null ? 0 : o.pendingCount();
  }

  /**
   * The policy's accounts whose credential left the vault under a grant that has ended and has not
   * been rotated since, read from the engine's grant store (so it survives restarts with a durable
   * store). Empty if the store cannot be read right now (the failure is logged).
   */
  public SortedSet<String> taintedAccounts() {
    GrantStore s = store;
    SortedSet<String> tainted = new TreeSet<>();
    if (s == null) {
      return tainted;
    }
    try {
      for (String account : accounts) {
        if (s.account(account).tainted()) {
          tainted.add(account);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("could not read tainted accounts from the grant store: {}", e.toString());
      return new TreeSet<>();
    }
    return Collections.unmodifiableSortedSet(tainted);
  }

  /** Whether this instance already serves an engine. */
  boolean bound() {
    return bound;
  }

  /** {@code sink}, timed for the listeners. */
  AuditSink timed(AuditSink sink) {
    return new TimedSink(Objects.requireNonNull(sink, "sink"));
  }

  /** Called once the engine is built. */
  synchronized void bind(AlertDispatcher alerts, GrantStore grantStore, BreakGlassPolicy policy) {
    if (bound) {
      throw new IllegalStateException("this EngineMetrics already serves another engine: create one per engine");
    }
    this.outbox = alerts instanceof OutboxAlertDispatcher o ? o : null;
    this.accounts = List.copyOf(policy.accounts().keySet());
    this.store = grantStore;
    this.bound = true;
  }

  private final class TimedSink implements AuditSink {
    private final AuditSink delegate;

    TimedSink(AuditSink delegate) {
      this.delegate = delegate;
    }

    @Override
    public void append(AuditEvent event) {
      long start = System.nanoTime();
      try {
        delegate.append(event);
      } catch (RuntimeException e) {
        long nanos = System.nanoTime() - start;
        for (AuditAppendListener l : listeners) {
          try {
            l.failed(event, e, nanos);
          } catch (RuntimeException ignored) {
            LOG.warn("audit append listener {} failed: {}", l, ignored.toString());
          }
        }
        throw e;
      }
      long nanos = System.nanoTime() - start;
      for (AuditAppendListener l : listeners) {
        try {
          l.appended(event, nanos);
        } catch (RuntimeException e) {
          LOG.warn("audit append listener {} failed on {}: {}", l, event.type(), e.toString());
        }
      }
    }

    /** The engine closes the sink it was given; this wrapper owns nothing. */
    @Override
    public void close() {}

    @Override
    public String toString() {
      return "timed " + delegate;
    }
  }
}

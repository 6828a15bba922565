package dev.breakglass.spring.boot;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditSink;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets {@link AuditObserver}s watch the engine's audit trail. {@link #observe} wraps the audit sink
 * the engine writes to; the wrapper calls the sink first and tells the observers only once the record
 * is durable, so fail-closed auditing is unchanged. Closing this closes the sinks it wrapped.
 */
public final class BreakGlassAuditObservers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BreakGlassAuditObservers.class);

  private final List<AuditObserver> observers = new CopyOnWriteArrayList<>();
  private final List<AuditSink> owned = new CopyOnWriteArrayList<>();

  /** Adds an observer; it sees records appended from now on. */
  public void add(AuditObserver observer) {
    observers.add(Objects.requireNonNull(observer, "observer"));
  }

  /** A sink that writes to {@code delegate} and then tells the observers; closing it closes {@code delegate}. */
  public AuditSink observe(AuditSink delegate) {
    AuditSink sink = new ObservedSink(Objects.requireNonNull(delegate, "delegate"));
    owned.add(sink);
    return sink;
  }

  @Override
  public void close() {
    for (AuditSink sink : owned) {
      try {
        sink.close();
      } catch (Exception e) {
        LOG.warn("could not close the audit sink {}: {}", sink, e.toString());
      }
    }
    owned.clear();
  }

  private final class ObservedSink implements AuditSink {
    private final AuditSink delegate;

    ObservedSink(AuditSink delegate) {
      this.delegate = delegate;
    }

    @Override
    public void append(AuditEvent event) {
      long start = System.nanoTime();
      try {
        delegate.append(event);
      } catch (RuntimeException e) {
        long nanos = System.nanoTime() - start;
        for (AuditObserver o : observers) {
          try {
            o.failed(event, e, nanos);
          } catch (RuntimeException ignored) {
            LOG.warn("audit observer {} failed: {}", o, ignored.toString());
          }
        }
        throw e;
      }
      long nanos = System.nanoTime() - start;
      for (AuditObserver o : observers) {
        try {
          o.appended(event, nanos);
        } catch (RuntimeException e) {
          LOG.warn("audit observer {} failed on {}: {}", o, event.type(), e.toString());
        }
      }
    }

    @Override
    public void close() {
      delegate.close();
    }

    @Override
    public String toString() {
      return "observed " + delegate;
    }
  }
}

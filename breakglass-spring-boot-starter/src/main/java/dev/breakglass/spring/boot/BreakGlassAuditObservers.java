package dev.breakglass.spring.boot;

import dev.breakglass.AuditEvent;
import dev.breakglass.core.EngineMetrics;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets {@link AuditObserver}s watch the engine's audit trail. The starter registers it with the
 * engine's {@link EngineMetrics}, which times every append to the engine's audit sink and reports it
 * here once the record is durable (or once the append failed), so fail-closed auditing is unchanged.
 * The starter's application events and metrics are observers; add more with {@link #add}.
 * Thread-safe.
 */
public final class BreakGlassAuditObservers implements EngineMetrics.AuditAppendListener {
  private static final Logger LOG = LoggerFactory.getLogger(BreakGlassAuditObservers.class);

  private final List<AuditObserver> observers = new CopyOnWriteArrayList<>();

  /** Adds an observer; it sees records appended from now on. */
  public void add(AuditObserver observer) {
    observers.add(Objects.requireNonNull(observer, "observer"));
  }

  @Override
  public void appended(AuditEvent event, long nanos) {
    for (AuditObserver o : observers) {
      try {
        o.appended(event, nanos);
      } catch (RuntimeException e) {
        LOG.warn("audit observer {} failed on {}: {}", o, event.type(), e.toString());
      }
    }
  }

  @Override
  public void failed(AuditEvent event, RuntimeException failure, long nanos) {
    for (AuditObserver o : observers) {
      try {
        o.failed(event, failure, nanos);
      } catch (RuntimeException e) {
        LOG.warn("audit observer {} failed on {}: {}", o, event.type(), e.toString());
      }
    }
  }
}

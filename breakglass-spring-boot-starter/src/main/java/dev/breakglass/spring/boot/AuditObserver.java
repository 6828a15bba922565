package dev.breakglass.spring.boot;

import dev.breakglass.AuditEvent;

/**
 * Sees every audit record the engine writes, after the record is durable, with the time the append
 * took. The starter's metrics and application events are observers; register more with
 * {@link BreakGlassAuditObservers#add}. Implementations must be thread-safe and quick, and must not
 * throw (what they throw is logged and ignored).
 */
public interface AuditObserver {
  /** {@code event} is durable; appending it took {@code nanos}. */
  void appended(AuditEvent event, long nanos);

  /** {@code event} could not be made durable (the engine refuses the step); the attempt took {@code nanos}. */
  default void failed(AuditEvent event, RuntimeException failure, long nanos) {}
}

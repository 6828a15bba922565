package dev.breakglass.spring.boot;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import java.util.Objects;
import org.springframework.context.ApplicationEvent;

/**
 * A step of the break-glass procedure (emergency opened, access requested, approval, grant issued,
 * credential released, emergency login, grant ended, rotation, alert delivered...), published as a
 * Spring application event once its audit record is durable. Listen with
 * {@code @EventListener void on(BreakGlassAuditEvent e)}.
 *
 * <p>Events are published on the engine's thread, inside the operation: keep listeners short (or
 * {@code @Async}); an exception thrown by a listener is logged and does not undo the step.
 */
public final class BreakGlassAuditEvent extends ApplicationEvent {
  private static final long serialVersionUID = 1L;

  private final transient AuditEvent event;

  public BreakGlassAuditEvent(Object source, AuditEvent event) {
    super(source);
    this.event = Objects.requireNonNull(event, "event");
  }

  /** The audit record, exactly as written (no secret material). */
  public AuditEvent event() {
    return event;
  }

  /** What happened. */
  public AuditEventType type() {
    return event.type();
  }

  @Override
  public String toString() {
    return "BreakGlassAuditEvent[" + event.type() + ", actor=" + event.actor() + ", account=" + event.account()
        + ", grant=" + event.grantId() + "]";
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wraps a real sink; a test can make it fail the way a full disk would, to prove the engine fails
 * closed. Keeps the events that reached the real sink.
 */
final class SwitchableAuditSink implements AuditSink {
  private final AuditSink delegate;
  private final List<AuditEvent> written = new CopyOnWriteArrayList<>();
  private volatile boolean failing;
  private volatile java.util.function.Consumer<AuditEvent> onAppend = e -> { };
  private final java.util.concurrent.atomic.AtomicInteger allowance = new java.util.concurrent.atomic.AtomicInteger(-1);

  SwitchableAuditSink(AuditSink delegate) {
    this.delegate = delegate;
  }

  /** Runs {@code hook} on the appending thread before each event is written. */
  void onAppend(java.util.function.Consumer<AuditEvent> hook) {
    this.onAppend = hook;
  }

  void failing(boolean failing) {
    allowance.set(-1);
    this.failing = failing;
  }

  /** Lets {@code n} more appends through, then fails like {@link #failing(boolean) failing(true)}. */
  void failAfter(int n) {
    failing = false;
    allowance.set(n);
  }

  @Override
  public void append(AuditEvent event) {
    boolean deliveryRecord = event.type() == dev.breakglass.AuditEventType.ALERT_DELIVERED
        || event.type() == dev.breakglass.AuditEventType.ALERT_FAILED;
    // Delivery records arrive from alert threads at any time; only the procedure's own records count.
    if (!deliveryRecord && allowance.get() >= 0 && allowance.getAndDecrement() <= 0) {
      failing = true;
    }
    onAppend.accept(event);
    if (failing) {
      throw new UncheckedIOException(new IOException("No space left on device"));
    }
    delegate.append(event);
    written.add(event);
  }

  List<AuditEvent> written() {
    return List.copyOf(written);
  }

  @Override
  public void close() {
    delegate.close();
  }
}

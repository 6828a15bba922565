package dev.breakglass.core.internal;

import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.Severity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** An alert channel that keeps what it receives, so tests can wait for and inspect alerts. */
final class RecordingAlertChannel implements AlertChannel {
  private final List<Alert> received = new CopyOnWriteArrayList<>();
  private volatile boolean down;

  /** While down, deliveries fail as a refused connection would. */
  void down(boolean down) {
    this.down = down;
  }
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();

  private volatile boolean confirms = true;

  /** Whether this channel's deliveries count as confirmation that someone saw the alert. */
  RecordingAlertChannel confirms(boolean confirms) {
    this.confirms = confirms;
    return this;
  }

  @Override
  public boolean confirmsDelivery() {
    return confirms;
  }

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public void deliver(Alert alert) {
    if (down) {
      throw new dev.breakglass.spi.AlertDeliveryException("receiver unreachable: connection refused", true);
    }
    received.add(alert);
    lock.lock();
    try {
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  List<Alert> received() {
    return List.copyOf(received);
  }

  /** Waits (bounded, generously) until an alert of {@code type} has arrived, and returns it. */
  Alert await(AuditEventType type) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    lock.lock();
    try {
      while (true) {
        for (Alert a : received) {
          if (a.type() == type) {
            return a;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no " + type + " alert arrived; got " + received.stream().map(Alert::type).toList());
        }
        arrived.await(left, TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits (bounded, generously) until {@code count} alerts of {@code type} have arrived, and returns them. */
  List<Alert> await(AuditEventType type, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    lock.lock();
    try {
      while (true) {
        List<Alert> found = received.stream().filter(a -> a.type() == type).toList();
        long left = deadline - System.nanoTime();
        if (found.size() >= count || left <= 0) {
          return found;
        }
        arrived.await(left, TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  boolean anyCritical() {
    return received.stream().anyMatch(a -> a.severity() == Severity.CRITICAL);
  }
}

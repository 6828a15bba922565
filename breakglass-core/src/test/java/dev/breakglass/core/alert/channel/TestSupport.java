package dev.breakglass.core.alert.channel;

import dev.breakglass.AuditEventType;
import dev.breakglass.core.alert.AlertDeliveryListener;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/** Shared fixtures for the alert tests: alerts, a settable clock, a scheduler that records delays, a listener that records outcomes. */
public final class TestSupport {
  private TestSupport() {}

  /** A log channel writing to {@code logger}, for tests outside this package. */
  public static Slf4jAlertChannel slf4jChannel(org.slf4j.Logger logger) {
    return new Slf4jAlertChannel(logger);
  }

  public static Alert alert(Severity severity) {
    String id = "alert-" + UUID.randomUUID();
    return new Alert(id, Instant.parse("2026-03-01T10:15:30.123Z"), severity, AuditEventType.GRANT_ISSUED,
        "Grant issued to alice for db-root", "grant-42", "db-root", Map.of("ticket", "INC-7"));
  }


  /** Always draws {@code value}, so that jittered delays are predictable. */
  public static RandomGenerator fixedRandom(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  /** A real scheduler that also records every delay it is asked for. */
  public static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
    private final List<Duration> delays = new ArrayList<>();

    public RecordingScheduler() {
      super(1);
      setRemoveOnCancelPolicy(true);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      synchronized (this) {
        delays.add(Duration.ofNanos(unit.toNanos(delay)));
        notifyAll();
      }
      return super.schedule(command, delay, unit);
    }

    /** Delays requested so far, leaving out {@code exclude} (the confirmation timeout). */
    public synchronized List<Duration> delays(Duration exclude) {
      return delays.stream().filter(d -> !d.equals(exclude)).toList();
    }

    /** Waits (at most 20 s) until {@code count} delays other than {@code exclude} were requested. */
    public synchronized int awaitDelays(int count, Duration exclude) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (delays(exclude).size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return delays(exclude).size();
    }
  }

  /** Records every outcome the dispatcher reports. */
  public static final class RecordingListener implements AlertDeliveryListener {
    public record Event(String kind, String alertId, String channel, int attempts, String reason) {}

    private final List<Event> events = new ArrayList<>();

    @Override
    public synchronized void delivered(Alert alert, String channel, int attempts, Instant time) {
      events.add(new Event("delivered", alert.id(), channel, attempts, ""));
      notifyAll();
    }

    @Override
    public synchronized void failed(Alert alert, String channel, int attempts, String reason, Instant time) {
      events.add(new Event("failed", alert.id(), channel, attempts, reason));
      notifyAll();
    }

    public synchronized List<Event> events() {
      return List.copyOf(events);
    }

    public synchronized List<Event> of(String kind) {
      return events.stream().filter(e -> e.kind().equals(kind)).toList();
    }

    /** Waits (at most 20 s) until {@code count} events of {@code kind}; returns them. */
    public synchronized List<Event> await(String kind, int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (of(kind).size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return of(kind);
    }
  }
}

package dev.breakglass.examples;

import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the demo's story with the time since the start, and is also an alert channel, so alerts
 * appear in the story where they happen. The demo waits on it for asynchronous steps (the health
 * monitor, expiry, rotation) with a bounded wait.
 */
final class Timeline implements AlertChannel {
  private final PrintStream out;
  private final long start = System.nanoTime();
  private final List<Alert> alerts = new ArrayList<>();

  Timeline(PrintStream out) {
    this.out = out;
  }

  private String stamp() {
    long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
    return String.format("[+%3d.%03ds]", ms / 1000, ms % 1000);
  }

  synchronized void step(String text) {
    out.println();
    out.println(stamp() + " == " + text);
  }

  synchronized void say(String text) {
    out.println(stamp() + "    " + text);
  }

  @Override
  public String name() {
    return "console";
  }

  @Override
  public synchronized void deliver(Alert alert) {
    alerts.add(alert);
    String who = alert.account() == null ? "" : " [" + alert.account() + "]";
    out.println(stamp() + "    ALERT " + pad(alert.severity().name()) + " " + alert.type() + who + ": " + alert.summary());
    notifyAll();
  }

  private static String pad(String s) {
    return (s + "        ").substring(0, 8);
  }

  /** Waits until {@code count} alerts of {@code type} have been delivered (at most {@code max}). */
  synchronized boolean awaitAlert(AuditEventType type, int count, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (alerts.stream().filter(a -> a.type() == type).count() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}

package dev.breakglass.examples;

import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Prints the demo's story with the seconds since the start, and is also an alert channel. Alerts
 * are delivered asynchronously, so a step names the alerts it raises and the next step (or
 * {@link #finish}) first waits, bounded, until they have arrived and prints them under the step
 * that raised them. An alert that arrives before its step (rotation right after expiry) waits for
 * it; one that no step expected is printed at the end. Copies of signed audit checkpoints
 * ({@code AUDIT_CHECKPOINT}, sent whenever the log signs one) belong to no step: they are counted and
 * summed up at the end.
 */
final class Timeline implements AlertChannel {
  private static final Duration ALERT_WAIT = Duration.ofSeconds(30);
  private static final Pattern SUB_SECOND = Pattern.compile("(T\\d{2}:\\d{2}:\\d{2})\\.\\d+Z");

  private final PrintStream out;
  private final long start = System.nanoTime();
  private final List<Alert> arrived = new ArrayList<>();
  private String step = "";
  private List<AuditEventType> expected = List.of();
  private int checkpointCopies;

  Timeline(PrintStream out) {
    this.out = out;
  }

  private String stamp() {
    long s = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    return String.format(Locale.ROOT, "[+%3ds]", s);
  }

  /** Instants in text to the second: the demo's times read like a log, not like a profiler. */
  static String toSeconds(String text) {
    return SUB_SECOND.matcher(text).replaceAll("$1Z");
  }

  /**
   * Ends the current step (waiting for and printing its alerts) and starts the next one.
   *
   * @param alerts the alert types this step raises, one entry per alert
   */
  synchronized void step(String text, AuditEventType... alerts) throws InterruptedException {
    flush();
    out.println();
    out.println(stamp() + " == " + toSeconds(text));
    step = text;
    expected = List.of(alerts);
  }

  synchronized void say(String text) {
    out.println(stamp() + "    " + toSeconds(text));
  }

  /** Ends the last step: waits for its alerts and prints them, then any alert no step expected. */
  synchronized void finish() throws InterruptedException {
    flush();
    expected = List.of();
    out.println(stamp() + "    " + checkpointCopies + " signed audit checkpoint(s) also went out as INFO alerts, so the"
        + " alert receivers keep copies outside the data directory");
    if (!arrived.isEmpty()) {
      out.println(stamp() + "    alerts no step expected:");
      arrived.forEach(this::print);
      arrived.clear();
    }
  }

  @Override
  public String name() {
    return "console";
  }

  @Override
  public synchronized void deliver(Alert alert) {
    if (alert.type() == AuditEventType.AUDIT_CHECKPOINT) {
      checkpointCopies++;
      return;
    }
    arrived.add(alert);
    notifyAll();
  }

  /** Waits until every expected alert has arrived, then prints them in arrival order. */
  private void flush() throws InterruptedException {
    long deadline = System.nanoTime() + ALERT_WAIT.toNanos();
    List<AuditEventType> missing = missing();
    while (!missing.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException("step '" + step + "': no " + missing + " alert within "
            + ALERT_WAIT.toSeconds() + " s");
      }
      wait(Math.max(1, left / 1_000_000));
      missing = missing();
    }
    List<AuditEventType> open = new ArrayList<>(expected);
    for (Iterator<Alert> it = arrived.iterator(); it.hasNext(); ) {
      Alert a = it.next();
      if (open.remove(a.type())) {
        print(a);
        it.remove();
      }
    }
  }

  private void print(Alert a) {
    String who = a.account() == null ? "" : " [" + a.account() + "]";
    out.println(stamp() + "    ALERT " + pad(a.severity().name()) + " " + a.type() + who + ": " + toSeconds(a.summary()));
  }

  private List<AuditEventType> missing() {
    List<AuditEventType> open = new ArrayList<>(expected);
    for (Alert a : arrived) {
      open.remove(a.type());
    }
    return open;
  }

  private static String pad(String s) {
    return (s + "        ").substring(0, 8);
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Coalesces the alerts of refused break-glass logins, so that a storm pages people once per window
 * with a count instead of once per attempt, while the audit log still accounts for every attempt.
 *
 * <p>Per account and kind of refusal ({@code USE_OUTSIDE_EMERGENCY}, {@code EMERGENCY_LOGIN_REFUSED}):
 * the first refusal after a quiet spell alerts at once and opens a window. Every further refusal
 * in the window is either recorded one by one without an alert ({@link #recorded} answers false:
 * "coalesced") or, when the throttle refused it unchecked, only counted ({@link #throttled}). When
 * the window ends with anything counted, one {@link AuditEventType#LOGIN_REFUSALS_SUMMARIZED} record
 * is written and alerted (CRITICAL), and a new window follows at once; a window that ends with
 * nothing counted lets the account go quiet again. So a storm gives one alert at its start and one
 * summary per window, and each refused attempt is in exactly one audit record: its own, or a
 * summary's {@code refused} count.
 *
 * <p>Windows are closed lazily: by the next refusal of the same kind, by {@link #flush} (the
 * engine's sweep), and by {@link #close} (everything still counted is summarized). Thread-safe.
 */
final class LoginRefusals {
  private final Recorder recorder;
  private final Duration window;
  private final Map<Key, State> states = new ConcurrentHashMap<>();

  LoginRefusals(Recorder recorder, Duration window) {
    this.recorder = recorder;
    this.window = window;
  }

  private record Key(String account, AuditEventType type) {}

  /** What one ended window counted; written as one summary record. */
  private record Summary(Key key, Instant from, Instant to, int coalesced, int throttled) {}

  private static final class State {
    @Nullable Instant start;
    @Nullable Instant end;
    int coalesced;
    int throttled;
  }

  /**
   * A refused attempt that gets its own audit record.
   *
   * @return whether its alert goes out now (the first refusal after a quiet spell); false if the
   *     alert is coalesced into the window's summary
   */
  boolean recorded(String account, AuditEventType type) {
    Key key = new Key(account, type);
    State s = states.computeIfAbsent(key, k -> new State());
    List<Summary> due = new ArrayList<>(1);
    boolean alertNow;
    synchronized (s) {
      Instant now = recorder.clock().instant();
      roll(key, s, now, due);
      if (s.start == null) {
        s.start = now;
        s.end = now.plus(window);
        alertNow = true;
      } else {
        s.coalesced++;
        alertNow = false;
      }
    }
    due.forEach(this::write);
    return alertNow;
  }

  /** A refused attempt the throttle turned away unchecked: counted, and recorded in the window's summary. */
  void throttled(String account, AuditEventType type) {
    Key key = new Key(account, type);
    State s = states.computeIfAbsent(key, k -> new State());
    List<Summary> due = new ArrayList<>(1);
    synchronized (s) {
      Instant now = recorder.clock().instant();
      roll(key, s, now, due);
      if (s.start == null) {
        s.start = now;
        s.end = now.plus(window);
      }
      s.throttled++;
    }
    due.forEach(this::write);
  }

  /** Summarizes every window that has ended by now. */
  void flush() {
    Instant now = recorder.clock().instant();
    List<Summary> due = new ArrayList<>();
    states.forEach((key, s) -> {
      synchronized (s) {
        roll(key, s, now, due);
      }
    });
    due.forEach(this::write);
  }

  /** Summarizes everything still counted, ended or not (the engine is closing). */
  void close() {
    Instant now = recorder.clock().instant();
    List<Summary> due = new ArrayList<>();
    states.forEach((key, s) -> {
      synchronized (s) {
        roll(key, s, now, due);
        if (s.start != null && s.coalesced + s.throttled > 0) {
          due.add(new Summary(key, s.start, now, s.coalesced, s.throttled));
        }
        s.start = null;
        s.end = null;
        s.coalesced = 0;
        s.throttled = 0;
      }
    });
    due.forEach(this::write);
  }

  /** Caller holds {@code s}. Ends every window of {@code s} that has ended by {@code now}. */
  private void roll(Key key, State s, Instant now, List<Summary> due) {
    while (s.end != null && !now.isBefore(s.end)) {
      if (s.coalesced + s.throttled > 0) {
        due.add(new Summary(key, s.start, s.end, s.coalesced, s.throttled));
        s.start = s.end;
        s.end = s.end.plus(window);
      } else {
        s.start = null;
        s.end = null;
      }
      s.coalesced = 0;
      s.throttled = 0;
    }
  }

  private void write(Summary s) {
    int total = s.coalesced() + s.throttled();
    String kind = s.key().type() == AuditEventType.USE_OUTSIDE_EMERGENCY ? "uses outside an emergency"
        : "refused emergency logins";
    AuditDetails details = recorder.details()
        .put("refused", Integer.toString(s.throttled()))
        .put("coalesced", Integer.toString(s.coalesced()))
        .put("event", s.key().type().name())
        .put("window", window.toString())
        .put("from", s.from().toString())
        .put("to", s.to().toString());
    String summary = total + " further " + kind + " of break-glass account " + s.key().account() + " between "
        + s.from() + " and " + s.to() + ": " + s.throttled() + " throttled (recorded only in this summary), "
        + s.coalesced() + " recorded one by one";
    // Audited, then alerted; if the record cannot be written the alert still goes out, marked.
    recorder.recordRefusal(AuditEventType.LOGIN_REFUSALS_SUMMARIZED, AuditEvent.SYSTEM, null, s.key().account(),
        details, summary);
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.EmergencyState;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.IncidentState;
import dev.breakglass.spi.ProbeResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether the emergency path is open: the primary is unhealthy after {@code fall}
 * consecutive failed rounds of probes and healthy again after {@code rise} consecutive good ones
 * (hysteresis), or an authorized person has declared an incident. A declared incident is kept in the
 * grant store and stays declared across restarts until it is closed ({@link #restore()}).
 *
 * <p>Passive signals: the guard reports the primary's infrastructure failures (timeouts, refused
 * connections) to {@link #primaryFailed()}; {@code passiveFall} consecutive ones within
 * {@code passiveWindow} open the emergency without waiting for the next probe round. Any answer of
 * the primary in between (a login or a rejection, {@link #primaryAnswered()}) resets the count, so a
 * flaky primary that fails one call in three never opens it. Only a monitor with probes listens to
 * passive signals: the probes are what closes the emergency again (after {@code rise} good rounds).
 *
 * <p>{@link #mode()} is one volatile read: the guard's healthy path calls it on every login and, while
 * it is 0 (no emergency, no failure streak), does nothing else. Transitions are serialized by this
 * object's lock and audited. Thread-safe.
 */
final class EmergencyMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(EmergencyMonitor.class);

  private final List<HealthProbe> probes;
  private final int fall;
  private final int rise;
  private final Recorder recorder;
  private final Set<String> declarers;
  private final Consumer<EmergencyState> onEmergencyEnded;
  private final int passiveFall;
  private final java.time.Duration passiveWindow;
  private final GrantStore store;

  /** {@link #mode()} bit: the emergency path is open. */
  static final int EMERGENCY = 1;
  /** {@link #mode()} bit: the primary failed and has not answered since. */
  static final int SUSPECT = 2;

  private volatile int mode;
  private volatile EmergencyState state;
  private int failures;
  private int successes;
  private int passiveFailures;
  private java.time.Instant streakStart = java.time.Instant.EPOCH;

  EmergencyMonitor(List<HealthProbe> probes, int fall, int rise, int passiveFall, java.time.Duration passiveWindow,
      Recorder recorder, Set<String> declarers, Consumer<EmergencyState> onEmergencyEnded, GrantStore store) {
    if (fall < 1 || rise < 1 || passiveFall < 1) {
      throw new IllegalArgumentException("fall, rise and passive fall thresholds must be at least 1, were " + fall
          + "/" + rise + "/" + passiveFall);
    }
    this.passiveFall = passiveFall;
    this.passiveWindow = passiveWindow;
    this.probes = List.copyOf(probes);
    this.fall = fall;
    this.rise = rise;
    this.recorder = recorder;
    this.declarers = Set.copyOf(declarers);
    this.onEmergencyEnded = onEmergencyEnded;
    this.store = store;
    this.state = new EmergencyState(true, null, recorder.clock().instant());
  }

  /**
   * Takes up the incident declared in the store (by an earlier run): the emergency path is open at once,
   * since the incident, as before the restart. Called at start, after the store was cross-checked
   * against the audit log; the start record names the incident.
   */
  synchronized void restore() {
    IncidentState stored = store.incident();
    if (stored.isDeclared()) {
      EmergencyState.Incident incident = new EmergencyState.Incident(Objects.requireNonNull(stored.id()),
          Objects.requireNonNull(stored.declaredBy()), Objects.requireNonNull(stored.reason()),
          Objects.requireNonNull(stored.declaredAt()));
      state = new EmergencyState(state.primaryHealthy(), incident, incident.declaredAt());
      mode = EMERGENCY;
    }
  }

  /**
   * Follows the incident in the store when another instance sharing it declared or closed one: the
   * emergency path opens or closes here too, audited as this instance's own {@code EMERGENCY_OPENED}
   * or {@code EMERGENCY_CLOSED} (the declaring instance audited the incident itself). Run by every
   * sweep, so with background work an instance follows within the sweep interval.
   */
  void followStoredIncident() {
    synchronized (this) {
      // Read under the lock: a declaration here stores its incident under the same lock.
      IncidentState stored = store.incident();
      EmergencyState.Incident mine = state.incident();
      if (stored.isDeclared()) {
        if (mine == null || !mine.id().equals(stored.id())) {
          EmergencyState.Incident incident = new EmergencyState.Incident(Objects.requireNonNull(stored.id()),
              Objects.requireNonNull(stored.declaredBy()), Objects.requireNonNull(stored.reason()),
              Objects.requireNonNull(stored.declaredAt()));
          transition(state.primaryHealthy(), incident, null, Map.of(), "");
        }
      } else if (mine != null) {
        transition(state.primaryHealthy(), null, null, Map.of(), "");
      }
    }
  }

  /** One volatile read. */
  boolean isEmergency() {
    return (mode & EMERGENCY) != 0;
  }

  /** One volatile read: {@link #EMERGENCY} and {@link #SUSPECT} bits, 0 on the healthy path. */
  int mode() {
    return mode;
  }

  /**
   * The primary failed a call with an infrastructure error. Opens the emergency at the
   * {@code passiveFall}-th consecutive failure within {@code passiveWindow}. Never throws.
   */
  void primaryFailed() {
    if (probes.isEmpty()) {
      return;
    }
    synchronized (this) {
      java.time.Instant now = recorder.clock().instant();
      if (passiveFailures == 0 || now.isAfter(streakStart.plus(passiveWindow))) {
        passiveFailures = 0;
        streakStart = now;
      }
      passiveFailures++;
      if (!state.primaryHealthy()) {
        return;
      }
      if (passiveFailures < passiveFall) {
        mode |= SUSPECT;
        return;
      }
      int seen = passiveFailures;
      passiveFailures = 0;
      // The probes now need rise good rounds to close it, as if they had seen the failures themselves.
      failures = Math.max(failures, fall);
      successes = 0;
      try {
        transition(false, state.incident(), AuditEventType.PROBE_FAILED,
            new LinkedHashMap<>(Map.of("consecutiveFailures", Integer.toString(seen))),
            "primary identity provider failed " + seen + " consecutive logins within " + passiveWindow);
      } catch (RuntimeException e) {
        LOG.error("could not open the emergency on passive signals: {}", e.toString());
      }
    }
  }

  /** The primary answered a call (accepted or rejected): a failure streak ends. */
  synchronized void primaryAnswered() {
    passiveFailures = 0;
    mode &= ~SUSPECT;
  }

  /**
   * The round run while the engine is built: with no history yet, its verdict counts at once, so the
   * state is known when {@code build()} returns. Bounded by the probes' own timeouts.
   */
  void firstRound() {
    checkNow(true);
  }

  EmergencyState state() {
    return state;
  }

  /** How the emergency is open, for audit details: {@code none}, {@code primary-unhealthy} or {@code incident:<id>}. */
  String describe() {
    EmergencyState s = state;
    if (!s.isEmergency()) {
      return "none";
    }
    return !s.primaryHealthy() ? "primary-unhealthy" : "incident:" + java.util.Objects.requireNonNull(s.incident()).id();
  }

  /** Runs every probe once and applies hysteresis. Never throws. */
  void checkNow() {
    checkNow(false);
  }

  private void checkNow(boolean first) {
    if (probes.isEmpty()) {
      return;
    }
    boolean allHealthy = true;
    Map<String, String> details = new LinkedHashMap<>();
    for (HealthProbe probe : probes) {
      ProbeResult r;
      try {
        r = probe.check();
      } catch (RuntimeException e) {
        r = ProbeResult.unhealthy("probe threw " + e.getClass().getSimpleName() + ": " + e.getMessage(),
            java.time.Duration.ZERO);
      }
      if (!r.healthy()) {
        allHealthy = false;
        details.put(probe.name(), r.detail());
      }
    }
    synchronized (this) {
      if (allHealthy) {
        failures = 0;
        successes++;
        if (!state.primaryHealthy() && successes >= rise) {
          transition(true, state.incident(), AuditEventType.PROBE_RECOVERED,
              Map.of("consecutiveSuccesses", Integer.toString(successes)), "primary identity provider healthy again");
        }
      } else {
        successes = 0;
        failures++;
        if (state.primaryHealthy() && (failures >= fall || first)) {
          details.put("consecutiveFailures", Integer.toString(failures));
          transition(false, state.incident(), AuditEventType.PROBE_FAILED, details,
              "primary identity provider failed " + failures + " consecutive health checks");
        }
      }
    }
  }

  EmergencyState.Incident declare(String actor, String reason) {
    if (!dev.breakglass.Identity.contains(declarers, actor)) {
      recorder.recordRefusal(AuditEventType.ACCESS_DENIED, actor, null, null,
          Map.of("reason", ReasonCode.NOT_AUTHORIZED.name(), "operation", "declare-incident"),
          actor + " tried to declare an incident but is not an incident declarer");
      throw new AccessDeniedException(ReasonCode.NOT_AUTHORIZED,
          "'" + actor + "' may not declare incidents (policy incidentDeclarers)");
    }
    if (reason == null || reason.isBlank()) {
      throw new dev.breakglass.InvalidRequestException("reason", "must not be blank");
    }
    synchronized (this) {
      if (state.incident() != null) {
        return state.incident();
      }
      EmergencyState.Incident incident = new EmergencyState.Incident("inc-" + UUID.randomUUID(), actor, reason,
          recorder.clock().instant());
      recorder.record(AuditEventType.INCIDENT_DECLARED, actor, null, null,
          Map.of("incident", incident.id(), "reason", reason), actor + " declared an incident: " + reason);
      // Audited first, then durable: a crash in between is rolled forward from the log at the next start.
      storeIncident(s -> s.declared(incident.id(), incident.declaredBy(), incident.reason(), incident.declaredAt()));
      transition(state.primaryHealthy(), incident, null, Map.of(), "");
      return incident;
    }
  }

  void closeIncident(String actor, String reason) {
    if (!dev.breakglass.Identity.contains(declarers, actor)) {
      recorder.recordRefusal(AuditEventType.ACCESS_DENIED, actor, null, null,
          Map.of("reason", ReasonCode.NOT_AUTHORIZED.name(), "operation", "close-incident"),
          actor + " tried to close the incident but is not an incident declarer");
      throw new AccessDeniedException(ReasonCode.NOT_AUTHORIZED, "'" + actor + "' may not close incidents");
    }
    synchronized (this) {
      EmergencyState.Incident incident = state.incident();
      if (incident == null) {
        return;
      }
      recorder.record(AuditEventType.INCIDENT_CLOSED, actor, null, null,
          Map.of("incident", incident.id(), "reason", reason == null ? "" : reason),
          actor + " closed incident " + incident.id());
      storeIncident(IncidentState::closed);
      transition(state.primaryHealthy(), null, null, Map.of(), "");
    }
  }

  /** Compare-and-set of the stored incident until it wins (caller holds the lock). */
  private void storeIncident(UnaryOperator<IncidentState> change) {
    while (true) {
      IncidentState current = store.incident();
      if (store.replaceIncident(current, change.apply(current))) {
        return;
      }
    }
  }

  /** Caller holds the lock. Audits the probe change (if any) and the emergency change (if any). */
  private void transition(boolean primaryHealthy, EmergencyState.Incident incident, AuditEventType probeEvent,
      Map<String, String> details, String summary) {
    boolean wasEmergency = state.isEmergency();
    if (probeEvent != null) {
      recorder.recordRefusal(probeEvent, dev.breakglass.AuditEvent.SYSTEM, null, null, details, summary);
    }
    EmergencyState next = new EmergencyState(primaryHealthy, incident, recorder.clock().instant());
    if (next.isEmergency() != wasEmergency) {
      String why = !primaryHealthy ? "primary unhealthy" : incident != null ? "incident " + incident.id() : "resolved";
      try {
        recorder.record(next.isEmergency() ? AuditEventType.EMERGENCY_OPENED : AuditEventType.EMERGENCY_CLOSED,
            dev.breakglass.AuditEvent.SYSTEM, null, null, Map.of("cause", why),
            next.isEmergency() ? "emergency access path OPEN (" + why + ")" : "emergency access path closed");
      } catch (AuditUnavailableException e) {
        // The state still follows reality: an unaudited emergency can grant nothing (every grant is audited).
        LOG.error("could not audit emergency transition: {}", e.getMessage());
      }
    } else {
      next = new EmergencyState(primaryHealthy, incident, state.since());
    }
    if (wasEmergency && !next.isEmergency()) {
      // Grants end while the path still reads open: no reader sees a closed emergency with live grants.
      try {
        onEmergencyEnded.accept(next);
      } finally {
        state = next;
        mode = 0;
      }
      return;
    }
    state = next;
    mode = next.isEmergency() ? EMERGENCY : mode & SUSPECT;
  }
}

package dev.breakglass.spring.boot.actuate;

import dev.breakglass.AuditEvent;
import dev.breakglass.BreakGlass;
import dev.breakglass.EmergencyState;
import dev.breakglass.ReasonCode;
import dev.breakglass.spring.boot.AuditObserver;
import dev.breakglass.core.EngineMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer metrics of the break-glass procedure, derived from the audit trail (every step is
 * audited first, so nothing is counted that did not happen) and from the engine's state.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code breakglass.emergency}</td><td>gauge, 1 while the emergency path is open</td><td></td></tr>
 *   <tr><td>{@code breakglass.primary.healthy}</td><td>gauge, 1 while the probes see the primary healthy</td><td></td></tr>
 *   <tr><td>{@code breakglass.incident.declared}</td><td>gauge, 1 while an incident is declared</td><td></td></tr>
 *   <tr><td>{@code breakglass.grants.open}</td><td>gauge: pending and active grants</td><td></td></tr>
 *   <tr><td>{@code breakglass.accounts.tainted}</td><td>gauge: accounts awaiting rotation (from the grant store)</td><td></td></tr>
 *   <tr><td>{@code breakglass.alerts.outbox.depth}</td><td>gauge: alerts not yet delivered (or finally failed) on
 *       every channel they are routed to</td><td></td></tr>
 *   <tr><td>{@code breakglass.requests}</td><td>counter: access requests accepted for approval</td><td></td></tr>
 *   <tr><td>{@code breakglass.grants}</td><td>counter: grants issued</td><td></td></tr>
 *   <tr><td>{@code breakglass.grants.ended}</td><td>counter</td><td>{@code status}: expired, revoked, closed</td></tr>
 *   <tr><td>{@code breakglass.releases}</td><td>counter: credentials released</td><td></td></tr>
 *   <tr><td>{@code breakglass.denials}</td><td>counter: refusals</td><td>{@code event}, {@code reason} (a {@link ReasonCode})</td></tr>
 *   <tr><td>{@code breakglass.logins}</td><td>counter: emergency sign-ins</td><td>{@code outcome} (success, refused), {@code reason}</td></tr>
 *   <tr><td>{@code breakglass.rotations}</td><td>counter</td><td>{@code outcome} (success, failure)</td></tr>
 *   <tr><td>{@code breakglass.alerts}</td><td>counter: alert deliveries</td><td>{@code outcome} (delivered, failed), {@code channel}</td></tr>
 *   <tr><td>{@code breakglass.audit.append}</td><td>timer: audit append latency (durable)</td><td>{@code outcome} (success, failure)</td></tr>
 *   <tr><td>{@code breakglass.events}</td><td>counter: every audit record</td><td>{@code type}, {@code drill}
 *       (true for a drill's records)</td></tr>
 *   <tr><td>{@code breakglass.drills}</td><td>counter: finished drills</td><td>{@code outcome} (passed, failed)</td></tr>
 *   <tr><td>{@code breakglass.drills.overdue}</td><td>counter: stale-drill alerts</td><td></td></tr>
 * </table>
 *
 * <p>A drill's records (details {@code drill=true}) are never counted as access: they feed
 * {@code breakglass.events} with {@code drill=true} and {@code breakglass.drills}, not the request,
 * grant, release, login or denial counters, so a drill does not look like an emergency on a
 * dashboard. The rotation a drill ends with is a real rotation and counts in
 * {@code breakglass.rotations}.
 *
 * <p>The emergency login refused for a break-glass account outside an emergency counts as a login
 * with outcome {@code refused} and reason {@code NOT_IN_EMERGENCY}, and as a denial.
 */
public final class BreakGlassMetrics implements MeterBinder, AuditObserver {
  private final BreakGlass breakGlass;
  private final EngineMetrics engine;
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

  /**
   * @param breakGlass the engine
   * @param engine the readings of that engine (outbox depth, tainted accounts), as bound by its builder;
   *     feed its audit appends to {@link #appended} and {@link #failed} (the starter does)
   */
  public BreakGlassMetrics(BreakGlass breakGlass, EngineMetrics engine) {
    this.breakGlass = Objects.requireNonNull(breakGlass, "breakGlass");
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("breakglass.emergency", breakGlass, b -> flag(b.emergencyState().isEmergency()))
        .description("1 while the emergency access path is open").register(registry);
    Gauge.builder("breakglass.primary.healthy", breakGlass, b -> flag(b.emergencyState().primaryHealthy()))
        .description("1 while the health probes see the primary identity provider healthy").register(registry);
    Gauge.builder("breakglass.incident.declared", breakGlass, b -> flag(b.emergencyState().incident() != null))
        .description("1 while an incident is declared").register(registry);
    Gauge.builder("breakglass.grants.open", breakGlass, b -> b.openGrants().size())
        .description("pending and active grants").register(registry);
    Gauge.builder("breakglass.accounts.tainted", engine, e -> e.taintedAccounts().size())
        .description("break-glass accounts whose credential awaits rotation").register(registry);
    Gauge.builder("breakglass.alerts.outbox.depth", engine, EngineMetrics::alertOutboxDepth)
        .description("alerts in the durable outbox not yet delivered or finally failed on every channel")
        .register(registry);
    registries.add(registry);
  }

  private static double flag(boolean b) {
    return b ? 1 : 0;
  }

  @Override
  public void appended(AuditEvent event, long nanos) {
    for (MeterRegistry r : registries) {
      record(r, event, nanos);
    }
  }

  @Override
  public void failed(AuditEvent event, RuntimeException failure, long nanos) {
    for (MeterRegistry r : registries) {
      Timer.builder("breakglass.audit.append").tag("outcome", "failure").register(r).record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  private static void record(MeterRegistry r, AuditEvent e, long nanos) {
    Timer.builder("breakglass.audit.append").description("time to make an audit record durable")
        .tag("outcome", "success").register(r).record(nanos, TimeUnit.NANOSECONDS);
    boolean drill = "true".equals(e.details().get("drill"));
    count(r, "breakglass.events", "type", e.type().name(), "drill", Boolean.toString(drill));
    if (drill) {
      switch (e.type()) {
        case DRILL_COMPLETED -> count(r, "breakglass.drills", "outcome", "passed");
        case DRILL_FAILED -> count(r, "breakglass.drills", "outcome", "failed");
        case CREDENTIAL_ROTATED -> count(r, "breakglass.rotations", "outcome", "success");
        case ROTATION_FAILED -> count(r, "breakglass.rotations", "outcome", "failure");
        default -> { }
      }
      return;
    }
    String reason = reasonOf(e);
    switch (e.type()) {
      case DRILL_OVERDUE -> count(r, "breakglass.drills.overdue");
      case ACCESS_REQUESTED -> count(r, "breakglass.requests");
      case GRANT_ISSUED -> count(r, "breakglass.grants");
      case GRANT_EXPIRED -> count(r, "breakglass.grants.ended", "status", "expired");
      case GRANT_REVOKED -> count(r, "breakglass.grants.ended", "status", "revoked");
      case GRANT_CLOSED -> count(r, "breakglass.grants.ended", "status", "closed");
      case CREDENTIAL_RELEASED -> count(r, "breakglass.releases");
      case EMERGENCY_LOGIN -> count(r, "breakglass.logins", "outcome", "success", "reason", "NONE");
      case EMERGENCY_LOGIN_REFUSED -> {
        count(r, "breakglass.logins", "outcome", "refused", "reason", reason);
        denial(r, e, reason);
      }
      case USE_OUTSIDE_EMERGENCY -> {
        if ("login".equals(e.details().get("operation"))) {
          count(r, "breakglass.logins", "outcome", "refused", "reason", reason);
        }
        denial(r, e, reason);
      }
      case ACCESS_DENIED, APPROVAL_REFUSED, REQUEST_DENIED, CREDENTIAL_RELEASE_REFUSED -> denial(r, e, reason);
      case CREDENTIAL_ROTATED -> count(r, "breakglass.rotations", "outcome", "success");
      case ROTATION_FAILED -> count(r, "breakglass.rotations", "outcome", "failure");
      case ALERT_DELIVERED -> count(r, "breakglass.alerts", "outcome", "delivered", "channel", channel(e));
      case ALERT_FAILED -> count(r, "breakglass.alerts", "outcome", "failed", "channel", channel(e));
      default -> { }
    }
  }

  private static void denial(MeterRegistry r, AuditEvent e, String reason) {
    count(r, "breakglass.denials", "event", e.type().name(), "reason", reason);
  }

  /** The reason code in the record, or the one its type implies; never free text (tags must stay few). */
  static String reasonOf(AuditEvent e) {
    if (e.type() == dev.breakglass.AuditEventType.USE_OUTSIDE_EMERGENCY) {
      return ReasonCode.NOT_IN_EMERGENCY.name();
    }
    if (e.type() == dev.breakglass.AuditEventType.REQUEST_DENIED) {
      return "DENIED_BY_CUSTODIAN";
    }
    @Nullable String reason = e.details().get("reason");
    if (reason == null) {
      return "UNKNOWN";
    }
    try {
      return ReasonCode.valueOf(reason.toUpperCase(Locale.ROOT)).name();
    } catch (IllegalArgumentException notACode) {
      return "OTHER";
    }
  }

  private static String channel(AuditEvent e) {
    String c = e.details().get("channel");
    return c == null ? "unknown" : c;
  }

  private static void count(MeterRegistry r, String name, String... tags) {
    Counter.builder(name).tags(tags).register(r).increment();
  }
}

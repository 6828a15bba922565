package dev.breakglass.core.audit;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The review a security team writes after an incident, produced from the audit log alone: when the
 * emergency opened and closed, every grant with its request, approvals, release, uses and end,
 * every refusal, every use outside an emergency, and what is still open (grants not ended,
 * accounts not rotated).
 *
 * <pre>{@code
 * PostIncidentReport report = PostIncidentReport.of(events);
 * System.out.println(report.toText());
 * }</pre>
 *
 * <p>Immutable and thread-safe once built.
 */
public final class PostIncidentReport {
  private final List<AuditEvent> events;
  private final Map<String, GrantStory> grants;
  private final List<AuditEvent> emergencies = new ArrayList<>();
  private final List<AuditEvent> outsideEmergency = new ArrayList<>();
  private final List<AuditEvent> refusals = new ArrayList<>();
  private final List<AuditEvent> rotationFailures = new ArrayList<>();
  private final Set<String> taintedAtEnd = new LinkedHashSet<>();

  private PostIncidentReport(List<AuditEvent> events) {
    this.events = List.copyOf(events);
    this.grants = new LinkedHashMap<>();
    for (AuditEvent e : this.events) {
      switch (e.type()) {
        case EMERGENCY_OPENED, EMERGENCY_CLOSED, INCIDENT_DECLARED, INCIDENT_CLOSED -> emergencies.add(e);
        case USE_OUTSIDE_EMERGENCY -> outsideEmergency.add(e);
        case ACCESS_DENIED, APPROVAL_REFUSED, CREDENTIAL_RELEASE_REFUSED, EMERGENCY_LOGIN_REFUSED -> refusals.add(e);
        case ROTATION_FAILED -> rotationFailures.add(e);
        default -> { }
      }
      if (e.type() == AuditEventType.GRANT_EXPIRED || e.type() == AuditEventType.GRANT_REVOKED
          || e.type() == AuditEventType.GRANT_CLOSED) {
        GrantStory g = e.grantId() == null ? null : grants.get(e.grantId());
        if (g != null && g.issued != null && e.account() != null) {
          taintedAtEnd.add(e.account());
        }
      }
      if (e.type() == AuditEventType.CREDENTIAL_ROTATED && e.account() != null) {
        taintedAtEnd.remove(e.account());
      }
      if (e.grantId() != null) {
        grants.computeIfAbsent(e.grantId(), id -> new GrantStory(id)).add(e);
      }
    }
  }

  /** Builds the report from events in log order. */
  public static PostIncidentReport of(List<AuditEvent> events) {
    return new PostIncidentReport(Objects.requireNonNull(events, "events"));
  }

  /** Grants that were issued and had not ended by the last event. */
  public List<String> grantsStillOpen() {
    List<String> out = new ArrayList<>();
    grants.values().stream().filter(g -> g.issued != null && g.ended == null).forEach(g -> out.add(g.id));
    return out;
  }

  /** Accounts whose last grant ended without a successful rotation afterwards. */
  public Set<String> accountsNotRotated() {
    return Set.copyOf(taintedAtEnd);
  }

  /** Every use of a break-glass account outside an emergency. */
  public List<AuditEvent> usesOutsideEmergency() {
    return List.copyOf(outsideEmergency);
  }

  /** How many grants were issued. */
  public long grantsIssued() {
    return grants.values().stream().filter(g -> g.issued != null).count();
  }

  /** The report as plain text, one section per topic. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append("POST-INCIDENT REVIEW\n");
    if (events.isEmpty()) {
      return sb.append("The audit log is empty.\n").toString();
    }
    Instant first = events.get(0).time();
    Instant last = events.get(events.size() - 1).time();
    sb.append("Period: ").append(first).append(" to ").append(last).append(" (").append(events.size())
        .append(" audit records)\n\n");

    sb.append("Emergency state\n");
    if (emergencies.isEmpty()) {
      sb.append("  no emergency recorded\n");
    }
    for (AuditEvent e : emergencies) {
      sb.append("  ").append(e.time()).append("  ").append(e.type()).append(" by ").append(e.actor())
          .append(describe(e.details(), "cause", "reason", "incident")).append('\n');
    }

    sb.append("\nGrants (").append(grants.size()).append(" requests, ").append(grantsIssued()).append(" issued)\n");
    for (GrantStory g : grants.values()) {
      g.appendTo(sb);
    }

    sb.append("\nUse outside an emergency (").append(outsideEmergency.size()).append(")\n");
    for (AuditEvent e : outsideEmergency) {
      sb.append("  ").append(e.time()).append("  ").append(e.account()).append(describe(e.details(), "operation", "client"))
          .append('\n');
    }
    sb.append("\nRefusals (").append(refusals.size()).append(")\n");
    for (AuditEvent e : refusals) {
      sb.append("  ").append(e.time()).append("  ").append(e.type()).append(" ").append(e.actor())
          .append(e.account() == null ? "" : " on " + e.account()).append(describe(e.details(), "reason")).append('\n');
    }
    sb.append("\nRotation failures (").append(rotationFailures.size()).append(")\n");
    for (AuditEvent e : rotationFailures) {
      sb.append("  ").append(e.time()).append("  ").append(e.account()).append(describe(e.details(), "error")).append('\n');
    }
    sb.append("\nOpen items\n");
    List<String> open = grantsStillOpen();
    sb.append("  grants not ended: ").append(open.isEmpty() ? "none" : String.join(", ", open)).append('\n');
    sb.append("  accounts not rotated since their last grant: ")
        .append(taintedAtEnd.isEmpty() ? "none" : String.join(", ", taintedAtEnd)).append('\n');
    return sb.toString();
  }

  private static String describe(Map<String, String> details, String... keys) {
    StringBuilder sb = new StringBuilder();
    for (String k : keys) {
      String v = details.get(k);
      if (v != null && !v.isEmpty()) {
        sb.append(sb.length() == 0 ? " (" : ", ").append(k).append('=').append(v);
      }
    }
    return sb.length() == 0 ? "" : sb.append(')').toString();
  }

  private static final class GrantStory {
    final String id;
    AuditEvent requested;
    final List<AuditEvent> approvals = new ArrayList<>();
    AuditEvent issued;
    AuditEvent released;
    final List<AuditEvent> logins = new ArrayList<>();
    AuditEvent ended;
    AuditEvent rotated;

    GrantStory(String id) {
      this.id = id;
    }

    void add(AuditEvent e) {
      switch (e.type()) {
        case ACCESS_REQUESTED -> requested = e;
        case APPROVAL_ACCEPTED -> approvals.add(e);
        case GRANT_ISSUED -> issued = e;
        case CREDENTIAL_RELEASED -> released = e;
        case EMERGENCY_LOGIN -> logins.add(e);
        case GRANT_EXPIRED, GRANT_REVOKED, GRANT_CLOSED, REQUEST_DENIED, APPROVAL_EXPIRED -> ended = e;
        case CREDENTIAL_ROTATED -> rotated = e;
        default -> { }
      }
    }

    void appendTo(StringBuilder sb) {
      sb.append("  ").append(id);
      if (requested != null) {
        sb.append(": ").append(requested.actor()).append(" -> ").append(requested.account()).append('\n');
        sb.append("    requested ").append(requested.time())
            .append(describe(requested.details(), "reason", "ticket", "duration", "emergency")).append('\n');
      } else {
        sb.append('\n');
      }
      for (AuditEvent a : approvals) {
        sb.append("    approved  ").append(a.time()).append(" by ").append(a.actor()).append('\n');
      }
      if (issued != null) {
        sb.append("    issued    ").append(issued.time()).append(describe(issued.details(), "expiresAt")).append('\n');
      }
      if (released != null) {
        sb.append("    released  ").append(released.time()).append(" to ").append(released.actor()).append('\n');
      }
      if (!logins.isEmpty()) {
        sb.append("    used      ").append(logins.size()).append(" time(s), first ").append(logins.get(0).time())
            .append('\n');
      }
      if (ended != null) {
        sb.append("    ended     ").append(ended.time()).append(" ").append(ended.type()).append(" by ")
            .append(ended.actor()).append(describe(ended.details(), "reason"));
        if (issued != null) {
          sb.append(", held ").append(Duration.between(issued.time(), ended.time()).toSeconds()).append(" s");
        }
        sb.append('\n');
      }
      if (rotated != null) {
        sb.append("    rotated   ").append(rotated.time()).append('\n');
      }
    }
  }
}

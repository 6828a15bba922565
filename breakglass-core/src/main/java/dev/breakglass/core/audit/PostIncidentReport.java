package dev.breakglass.core.audit;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.report.HtmlReport;
import dev.breakglass.core.report.InertText;
import dev.breakglass.core.report.JsonReport;
import dev.breakglass.core.report.MarkdownReport;
import dev.breakglass.core.report.ReviewModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The review a security team writes after an incident, produced from the audit log alone: when the
 * emergency opened and closed, every grant with its request, approvals, release, uses and end,
 * every refusal, every use outside an emergency, and what is still open (grants not ended,
 * accounts not rotated).
 *
 * <pre>{@code
 * VerificationResult verified = AuditLogVerifier.of(publicKey).verify(logDirectory);
 * PostIncidentReport report = PostIncidentReport.of(AuditLogReader.readEvents(logDirectory))
 *     .verifiedAgainst(verified.lastCheckpoint());
 * System.out.println(report.toText());
 * Files.writeString(Path.of("review.html"), report.toHtml());
 * }</pre>
 *
 * <p>Four renderings tell the same story: {@link #toText()} for a terminal, {@link #toMarkdown()}
 * for a ticket, {@link #toHtml()} (one self-contained page: a timeline from outage to recovery, a
 * summary per account, every alert's delivery, anomalies highlighted) for reviewers, and
 * {@link #toJson()} for programs, in a versioned format whose JSON Schema is {@link #jsonSchema()}.
 * Logged free text is rendered inert in all of them: control, bidi and invisible characters are
 * shown as {@code \\uXXXX}, and markup is escaped.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class PostIncidentReport {
  /** The approval timeout assumed when none is given: the policy file's default. */
  public static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofMinutes(15);
  /** The version of the JSON format written by {@link #toJson()}. */
  public static final int JSON_VERSION = JsonReport.VERSION;

  private final List<AuditEvent> events;
  private final @Nullable Checkpoint checkpoint;
  private final Duration approvalTimeout;
  private final Map<String, GrantStory> grants;
  private final List<AuditEvent> emergencies = new ArrayList<>();
  private final List<AuditEvent> outsideEmergency = new ArrayList<>();
  private final List<AuditEvent> refusals = new ArrayList<>();
  private final List<AuditEvent> rotationFailures = new ArrayList<>();
  private final Set<String> taintedAtEnd = new LinkedHashSet<>();

  private PostIncidentReport(List<AuditEvent> events, @Nullable Checkpoint checkpoint, Duration approvalTimeout) {
    this.events = List.copyOf(events);
    this.checkpoint = checkpoint;
    this.approvalTimeout = approvalTimeout;
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
    return new PostIncidentReport(Objects.requireNonNull(events, "events"), null, DEFAULT_APPROVAL_TIMEOUT);
  }

  /**
   * This report naming the signed checkpoint its log was verified against (the verifier's
   * {@code lastCheckpoint()}, or a checkpoint kept elsewhere); {@code null} for none.
   */
  public PostIncidentReport verifiedAgainst(@Nullable Checkpoint checkpoint) {
    return new PostIncidentReport(events, checkpoint, approvalTimeout);
  }

  /** This report flagging approvals given in the last fifth of {@code timeout} (the policy's approval timeout). */
  public PostIncidentReport approvalTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("approval timeout must be positive, was " + timeout);
    }
    return new PostIncidentReport(events, checkpoint, timeout);
  }

  /** The checkpoint the log was verified against, if one was named. */
  public @Nullable Checkpoint checkpoint() {
    return checkpoint;
  }

  /** The review as JSON, version {@link #JSON_VERSION}, conforming to {@link #jsonSchema()}. */
  public String toJson() {
    return JsonReport.render(model());
  }

  /** The review as Markdown, with tables. */
  public String toMarkdown() {
    return MarkdownReport.render(model());
  }

  /** The review as one self-contained HTML page (inline CSS, no script, no external asset). */
  public String toHtml() {
    return HtmlReport.render(model());
  }

  /** The JSON Schema (draft 2020-12) of {@link #toJson()}'s output. */
  public static String jsonSchema() {
    return JsonReport.schema();
  }

  private ReviewModel model() {
    return new ReviewModel(events, checkpoint, approvalTimeout);
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
    sb.append("Period: ").append(at(first)).append(" to ").append(at(last)).append(" (").append(events.size())
        .append(events.size() == 1 ? " audit record)\n" : " audit records)\n");
    sb.append(checkpoint == null ? "Not verified against a signed checkpoint\n\n"
        : "Verified against the signed checkpoint of " + checkpoint.treeSize() + " records, root "
            + ReviewModel.root(checkpoint) + ", signed " + at(checkpoint.time()) + " by key " + checkpoint.keyId()
            + "\n\n");

    sb.append("Emergency state\n");
    if (emergencies.isEmpty()) {
      sb.append("  no emergency recorded\n");
    }
    for (AuditEvent e : emergencies) {
      sb.append("  ").append(at(e.time())).append("  ").append(e.type()).append(" by ").append(inert(e.actor()))
          .append(describe(e.details(), "cause", "reason", "incident")).append('\n');
    }

    sb.append("\nGrants (").append(grants.size()).append(grants.size() == 1 ? " request, " : " requests, ")
        .append(grantsIssued()).append(" issued");
    long drills = grants.values().stream().filter(GrantStory::isDrill).count();
    sb.append(drills == 0 ? "" : drills == 1 ? ", 1 of them a drill" : ", " + drills + " of them drills").append(")\n");
    for (GrantStory g : grants.values()) {
      g.appendTo(sb);
    }

    sb.append("\nUse outside an emergency (").append(outsideEmergency.size()).append(")\n");
    for (AuditEvent e : outsideEmergency) {
      sb.append("  ").append(at(e.time())).append("  ").append(inert(e.account()))
          .append(describe(e.details(), "operation", "client"))
          .append('\n');
    }
    sb.append("\nRefusals (").append(refusals.size()).append(")\n");
    for (AuditEvent e : refusals) {
      sb.append("  ").append(at(e.time())).append("  ").append(e.type()).append(" ").append(inert(e.actor()))
          .append(e.account() == null ? "" : " on " + inert(e.account())).append(describe(e.details(), "reason")).append('\n');
    }
    sb.append("\nRotation failures (").append(rotationFailures.size()).append(")\n");
    for (AuditEvent e : rotationFailures) {
      sb.append("  ").append(at(e.time())).append("  ").append(inert(e.account())).append(describe(e.details(), "error")).append('\n');
    }
    sb.append("\nOpen items\n");
    List<String> open = grantsStillOpen();
    sb.append("  grants not ended: ").append(open.isEmpty() ? "none" : open.stream().map(PostIncidentReport::inert).collect(Collectors.joining(", "))).append('\n');
    sb.append("  accounts not rotated since their last grant: ")
        .append(taintedAtEnd.isEmpty() ? "none" : taintedAtEnd.stream().map(PostIncidentReport::inert)
            .collect(Collectors.joining(", "))).append('\n');
    return sb.toString();
  }

  /** A logged actor, account or grant id as shown: inert, so it can neither start a line nor hide text. */
  private static String inert(@Nullable String logged) {
    return logged == null ? "null" : InertText.of(logged);
  }

  private static String at(Instant t) {
    return ReviewModel.time(t);
  }

  private static String describe(Map<String, String> details, String... keys) {
    StringBuilder sb = new StringBuilder();
    for (String k : keys) {
      String v = details.get(k);
      if (v != null && !v.isEmpty()) {
        sb.append(sb.length() == 0 ? " (" : ", ").append(k).append('=').append(InertText.of(ReviewModel.seconds(v)));
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

    /** A drill's grant (its records say {@code drill=true}): rehearsal, never real access. */
    boolean isDrill() {
      return requested != null && "true".equals(requested.details().get("drill"));
    }

    void appendTo(StringBuilder sb) {
      sb.append("  ").append(inert(id));
      if (requested != null) {
        sb.append(": ").append(inert(requested.actor())).append(" -> ").append(inert(requested.account()))
            .append(isDrill() ? " (DRILL, never real access)" : "").append('\n');
        sb.append("    requested ").append(at(requested.time()))
            .append(describe(requested.details(), "reason", "ticket", "duration", "emergency")).append('\n');
      } else {
        sb.append('\n');
      }
      for (AuditEvent a : approvals) {
        sb.append("    approved  ").append(at(a.time())).append(" by ").append(inert(a.actor())).append('\n');
      }
      if (issued != null) {
        sb.append("    issued    ").append(at(issued.time())).append(describe(issued.details(), "expiresAt")).append('\n');
      }
      if (released != null) {
        sb.append("    released  ").append(at(released.time())).append(" to ").append(inert(released.actor())).append('\n');
      }
      if (!logins.isEmpty()) {
        sb.append("    used      ").append(logins.size()).append(logins.size() == 1 ? " time, at " : " times, first ").append(at(logins.get(0).time()))
            .append('\n');
      }
      if (ended != null) {
        sb.append("    ended     ").append(at(ended.time())).append(" ").append(ended.type()).append(" by ")
            .append(inert(ended.actor())).append(describe(ended.details(), "reason"));
        if (issued != null) {
          sb.append(", held ").append(Duration.between(issued.time(), ended.time()).toSeconds()).append(" s");
        }
        sb.append('\n');
      }
      if (rotated != null) {
        sb.append("    rotated   ").append(at(rotated.time())).append('\n');
      }
    }
  }
}

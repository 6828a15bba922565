package dev.breakglass.core.report;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.Checkpoint;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a post-incident review shows, worked out once from the audit log so that every rendering
 * (JSON, Markdown, HTML) tells the same story: the timeline in phases, the grants, a summary per
 * account, the delivery status of every alert, and the anomalies a reviewer must look at.
 *
 * <p>Text is kept as logged; renderers make it inert ({@link InertText}) and escape it. Built for
 * one rendering and not shared: the grant and account views are plain holders filled while the
 * events are read.
 */
public final class ReviewModel {
  /** Where an event belongs in the story of an incident, in story order. */
  public enum Phase {
    OUTAGE, REQUEST, APPROVAL, RELEASE, LOGIN, END, ROTATION, RECOVERY, ALERT, OTHER
  }

  /** What a reviewer must look at. */
  public enum AnomalyKind {
    USE_OUTSIDE_EMERGENCY, ROTATION_FAILED, LATE_ROTATION, NOT_ROTATED, LOG_REPAIRED, LOGIN_STORM,
    APPROVAL_NEAR_TIMEOUT, ALERT_NOT_DELIVERED, CREDENTIALS_UNUSABLE, DRILL_FAILED
  }

  /** One event of the timeline, with a sentence telling it and the anomalies it shows. */
  public record Entry(Instant time, Phase phase, AuditEvent event, String summary, List<AnomalyKind> anomalies) {}

  /** One approval and who signed it ({@code null} signer: a name only, no signature recorded). */
  public record ApprovalView(String custodian, Instant time, @Nullable String signer) {}

  /** One login through a grant and the client it came from (a keyed fingerprint, or {@code null}). */
  public record LoginView(Instant time, String actor, @Nullable String client, boolean refused) {}

  /** A grant's story from request to rotation; any step may be missing. */
  public static final class GrantView {
    public final String id;
    public @Nullable String account;
    public @Nullable AuditEvent requested;
    public final List<ApprovalView> approvals = new ArrayList<>();
    public @Nullable AuditEvent issued;
    public @Nullable AuditEvent released;
    public final List<LoginView> logins = new ArrayList<>();
    public @Nullable AuditEvent ended;
    public @Nullable AuditEvent rotated;

    GrantView(String id) {
      this.id = id;
    }
  }

  /** How one account fared in the period. */
  public static final class AccountView {
    public final String account;
    public int requests;
    public int grantsIssued;
    public int logins;
    public int refusedLogins;
    public int usesOutsideEmergency;
    public int rotations;
    public int rotationFailures;
    public boolean notRotated;

    AccountView(String account) {
      this.account = account;
    }
  }

  /** The last known delivery of one alert on one channel. */
  public record AlertView(String alert, String type, String channel, boolean delivered, int attempts, Instant time,
      @Nullable String reason, @Nullable String account) {}

  /** Something a reviewer must look at, with a sentence saying why. */
  public record Anomaly(AnomalyKind kind, Instant time, @Nullable String account, @Nullable String grant,
      String description) {}

  /** Refused emergency logins on one account within this window, this many or more, are a storm. */
  static final Duration STORM_WINDOW = Duration.ofMinutes(1);
  static final int STORM_COUNT = 5;
  /** Rotation later than this after the grant ended is late. */
  static final Duration LATE_ROTATION = Duration.ofMinutes(15);

  private final List<AuditEvent> events;
  private final @Nullable Checkpoint checkpoint;
  private final Duration approvalTimeout;
  private final List<Entry> timeline = new ArrayList<>();
  private final Map<String, GrantView> grants = new LinkedHashMap<>();
  private final Map<String, AccountView> accounts = new TreeMap<>();
  private final Map<String, AlertView> alerts = new LinkedHashMap<>();
  private final List<Anomaly> anomalies = new ArrayList<>();
  private final Map<String, Deque<Instant>> refusedLogins = new HashMap<>();
  private final Map<String, Instant> stormReported = new HashMap<>();

  /**
   * @param events the audit log's events in log order
   * @param checkpoint the signed checkpoint the log was verified against, if any
   * @param approvalTimeout the policy's approval timeout; approvals in its last fifth are flagged
   */
  public ReviewModel(List<AuditEvent> events, @Nullable Checkpoint checkpoint, Duration approvalTimeout) {
    this.events = List.copyOf(events);
    this.checkpoint = checkpoint;
    this.approvalTimeout = approvalTimeout;
    for (AuditEvent e : this.events) {
      add(e);
    }
    for (GrantView g : grants.values()) {
      if (g.ended != null && g.issued != null && g.rotated == null && g.account != null
          && !"ephemeral".equals(g.released == null ? null : g.released.details().get("source"))) {
        account(g.account).notRotated = true;
        anomalies.add(new Anomaly(AnomalyKind.NOT_ROTATED, g.ended.time(), g.account, g.id,
            "the credential of " + g.account + " was not rotated after grant " + g.id + " ended"));
      }
    }
    anomalies.sort((a, b) -> a.time().compareTo(b.time()));
  }

  private void add(AuditEvent e) {
    String account = e.account();
    AccountView av = account == null ? null : account(account);
    GrantView g = e.grantId() == null ? null : grants.computeIfAbsent(e.grantId(), GrantView::new);
    if (g != null && g.account == null) {
      g.account = account;
    }
    List<AnomalyKind> flags = new ArrayList<>();
    switch (e.type()) {
      case ACCESS_REQUESTED -> {
        if (g != null) {
          g.requested = e;
        }
        if (av != null) {
          av.requests++;
        }
      }
      case APPROVAL_ACCEPTED -> {
        if (g != null) {
          g.approvals.add(new ApprovalView(e.actor(), e.time(), signer(e)));
          if (g.requested != null && !Duration.between(g.requested.time(), e.time())
              .minus(approvalTimeout.multipliedBy(4).dividedBy(5)).isNegative()) {
            flag(flags, AnomalyKind.APPROVAL_NEAR_TIMEOUT, e, e.actor() + " approved "
                + Duration.between(g.requested.time(), e.time()).toSeconds() + " s after the request, close to the "
                + approvalTimeout.toSeconds() + " s timeout");
          }
        }
      }
      case GRANT_ISSUED -> {
        if (g != null) {
          g.issued = e;
        }
        if (av != null) {
          av.grantsIssued++;
        }
      }
      case CREDENTIAL_RELEASED -> {
        if (g != null) {
          g.released = e;
        }
      }
      case EMERGENCY_LOGIN -> {
        if (g != null) {
          g.logins.add(new LoginView(e.time(), e.actor(), e.details().get("client"), false));
        }
        if (av != null) {
          av.logins++;
        }
      }
      case EMERGENCY_LOGIN_REFUSED -> {
        if (g != null) {
          g.logins.add(new LoginView(e.time(), e.actor(), e.details().get("client"), true));
        }
        if (av != null) {
          av.refusedLogins++;
          storm(e, flags);
        }
      }
      case LOGIN_REFUSALS_SUMMARIZED -> {
        int counted = count(e, "refused");
        if (av != null) {
          if (AuditEventType.USE_OUTSIDE_EMERGENCY.name().equals(e.details().get("event"))) {
            av.usesOutsideEmergency += counted;
          } else {
            av.refusedLogins += counted;
          }
        }
        flag(flags, AnomalyKind.LOGIN_STORM, e, (counted + count(e, "coalesced")) + " further refused logins to "
            + account + " between " + e.details().getOrDefault("from", "?") + " and "
            + e.details().getOrDefault("to", "?") + " (" + counted + " throttled)");
      }
      case ACCESS_DENIED -> {
        if ("RATE_LIMITED".equals(e.details().get("reason"))) {
          flag(flags, AnomalyKind.LOGIN_STORM, e, e.actor() + " was rate limited (throttled requests)");
        }
      }
      case USE_OUTSIDE_EMERGENCY -> {
        if (av != null) {
          av.usesOutsideEmergency++;
        }
        flag(flags, AnomalyKind.USE_OUTSIDE_EMERGENCY, e, "break-glass account " + account + " used outside an emergency"
            + detail(e, "operation", " (", ")"));
      }
      case GRANT_EXPIRED, GRANT_REVOKED, GRANT_CLOSED, REQUEST_DENIED, APPROVAL_EXPIRED -> {
        if (g != null) {
          g.ended = e;
        }
      }
      case CREDENTIAL_ROTATED -> {
        if (av != null) {
          av.rotations++;
          av.notRotated = false;
        }
        if (g != null) {
          g.rotated = e;
          if (g.ended != null && Duration.between(g.ended.time(), e.time()).compareTo(LATE_ROTATION) > 0) {
            flag(flags, AnomalyKind.LATE_ROTATION, e, "the credential of " + account + " was rotated "
                + Duration.between(g.ended.time(), e.time()).toMinutes() + " min after grant " + g.id + " ended");
          }
        }
      }
      case ROTATION_FAILED -> {
        if (av != null) {
          av.rotationFailures++;
        }
        flag(flags, AnomalyKind.ROTATION_FAILED, e, "rotation of " + account + " failed" + detail(e, "error", ": "));
      }
      case AUDIT_LOG_REPAIRED -> flag(flags, AnomalyKind.LOG_REPAIRED, e,
          "the audit log was repaired on open (a torn tail was cut off: a crash, or tampering)");
      case CREDENTIALS_UNUSABLE -> flag(flags, AnomalyKind.CREDENTIALS_UNUSABLE, e,
          "break-glass credentials were found unusable");
      case DRILL_FAILED -> flag(flags, AnomalyKind.DRILL_FAILED, e, "the drill of " + account + " failed"
          + detail(e, "step", " at ") + detail(e, "error", ": "));
      case ALERT_DELIVERED, ALERT_FAILED -> {
        alert(e);
        if (e.type() == AuditEventType.ALERT_FAILED) {
          flag(flags, AnomalyKind.ALERT_NOT_DELIVERED, e, "alert " + e.details().getOrDefault("alertType", "?")
              + " was not delivered on " + e.details().getOrDefault("channel", "?") + detail(e, "reason", ": "));
        }
      }
      default -> { }
    }
    Phase phase = phase(e.type());
    if (phase != Phase.ALERT) {
      timeline.add(new Entry(e.time(), phase, e, Sentences.of(e, g), List.copyOf(flags)));
    }
  }

  private static int count(AuditEvent e, String key) {
    try {
      return Math.max(0, Integer.parseInt(e.details().getOrDefault(key, "0")));
    } catch (NumberFormatException notACount) {
      return 0;
    }
  }

  private void storm(AuditEvent e, List<AnomalyKind> flags) {
    Deque<Instant> recent = refusedLogins.computeIfAbsent(e.account(), k -> new ArrayDeque<>());
    recent.addLast(e.time());
    while (!recent.isEmpty() && recent.peekFirst().isBefore(e.time().minus(STORM_WINDOW))) {
      recent.removeFirst();
    }
    Instant last = stormReported.get(e.account());
    if (recent.size() >= STORM_COUNT && (last == null || last.isBefore(e.time().minus(STORM_WINDOW)))) {
      stormReported.put(e.account(), e.time());
      flag(flags, AnomalyKind.LOGIN_STORM, e, recent.size() + " refused logins to " + e.account() + " within "
          + STORM_WINDOW.toSeconds() + " s");
    }
  }

  private void alert(AuditEvent e) {
    Map<String, String> d = e.details();
    String id = d.getOrDefault("alert", "?");
    String channel = d.getOrDefault("channel", "?");
    int attempts;
    try {
      attempts = Integer.parseInt(d.getOrDefault("attempts", "0"));
    } catch (NumberFormatException ex) {
      attempts = 0;
    }
    alerts.put(id + "\u0000" + channel, new AlertView(id, d.getOrDefault("alertType", "?"), channel,
        e.type() == AuditEventType.ALERT_DELIVERED, attempts, e.time(), d.get("reason"), e.account()));
  }

  private void flag(List<AnomalyKind> flags, AnomalyKind kind, AuditEvent e, String description) {
    flags.add(kind);
    anomalies.add(new Anomaly(kind, e.time(), e.account(), e.grantId(), description));
  }

  private AccountView account(String name) {
    return accounts.computeIfAbsent(name, AccountView::new);
  }

  /** Who signed an approval: the key the engine verified it with, if the record names one. */
  static @Nullable String signer(AuditEvent e) {
    for (String k : List.of("signer", "signatureKey", "keyId", "credentialId")) {
      String v = e.details().get(k);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }

  private static String detail(AuditEvent e, String key, String prefix) {
    return detail(e, key, prefix, "");
  }

  private static String detail(AuditEvent e, String key, String prefix, String suffix) {
    String v = e.details().get(key);
    return v == null || v.isEmpty() ? "" : prefix + v + suffix;
  }

  static Phase phase(AuditEventType type) {
    return switch (type) {
      case EMERGENCY_OPENED, INCIDENT_DECLARED, PROBE_FAILED -> Phase.OUTAGE;
      case ACCESS_REQUESTED, ACCESS_DENIED -> Phase.REQUEST;
      case APPROVAL_ACCEPTED, APPROVAL_REFUSED, REQUEST_DENIED, APPROVAL_EXPIRED -> Phase.APPROVAL;
      case GRANT_ISSUED, CREDENTIAL_RELEASED, CREDENTIAL_RELEASE_REFUSED -> Phase.RELEASE;
      case EMERGENCY_LOGIN, EMERGENCY_LOGIN_REFUSED, USE_OUTSIDE_EMERGENCY -> Phase.LOGIN;
      case GRANT_EXPIRED, GRANT_REVOKED, GRANT_CLOSED -> Phase.END;
      case ROTATION_STARTED, CREDENTIAL_ROTATED, ROTATION_FAILED -> Phase.ROTATION;
      case EMERGENCY_CLOSED, INCIDENT_CLOSED, PROBE_RECOVERED -> Phase.RECOVERY;
      case ALERT_DELIVERED, ALERT_FAILED -> Phase.ALERT;
      default -> Phase.OTHER;
    };
  }

  /** An instant to the second, as every rendering prints it. */
  public static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static final Pattern SUB_SECOND =
      Pattern.compile("(T\\d{2}:\\d{2}:\\d{2})\\.\\d+Z");

  /** {@code text} with every ISO-8601 instant in it cut to the second, for people to read. */
  public static String seconds(String text) {
    return text.indexOf('.') < 0 ? text : SUB_SECOND.matcher(text).replaceAll("$1Z");
  }

  /** A checkpoint root as every tool prints it: base64, as in the checkpoint's own text. */
  public static String root(Checkpoint c) {
    return Base64.getEncoder().encodeToString(c.rootHash());
  }

  public List<AuditEvent> events() {
    return events;
  }

  public @Nullable Checkpoint checkpoint() {
    return checkpoint;
  }

  public List<Entry> timeline() {
    return List.copyOf(timeline);
  }

  public List<GrantView> grants() {
    return List.copyOf(grants.values());
  }

  public List<AccountView> accounts() {
    return List.copyOf(accounts.values());
  }

  public List<AlertView> alerts() {
    return List.copyOf(alerts.values());
  }

  public List<Anomaly> anomalies() {
    return List.copyOf(anomalies);
  }

  /** Grants issued and not ended by the last event. */
  public List<String> grantsNotEnded() {
    return grants.values().stream().filter(g -> g.issued != null && g.ended == null).map(g -> g.id).toList();
  }

  /** Accounts whose last grant ended without a rotation afterwards. */
  public List<String> accountsNotRotated() {
    return accounts.values().stream().filter(a -> a.notRotated).map(a -> a.account).toList();
  }
}

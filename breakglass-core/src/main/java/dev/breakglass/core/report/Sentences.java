package dev.breakglass.core.report;

import dev.breakglass.AuditEvent;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One plain sentence per audit event, the same in every rendering; text as logged (not yet inert). */
final class Sentences {
  private Sentences() {}

  /** The sentence, starting with {@code [drill]} for a record of a drill, so no reader takes it for real access. */
  static String of(AuditEvent e, ReviewModel.@Nullable GrantView g) {
    String sentence = plain(e, g);
    return "true".equals(e.details().get("drill")) ? "[drill] " + sentence : sentence;
  }

  private static String plain(AuditEvent e, ReviewModel.@Nullable GrantView g) {
    Map<String, String> d = e.details();
    String account = e.account() == null ? "" : e.account();
    return switch (e.type()) {
      case DRILL_STARTED -> "drill of " + account + " filed by " + e.actor() + opt(d, "rotator", "; proof through ");
      case DRILL_COMPLETED -> "drill of " + account + " passed: credential proven at its target" + opt(d, "proof", " (",
          ")") + ", rotated, proven again" + opt(d, "proofAfterRotation", " (", ")");
      case DRILL_FAILED -> "drill of " + account + " FAILED" + opt(d, "step", " at ") + opt(d, "error", ": ");
      case DRILL_OVERDUE -> account + " is overdue for a drill" + opt(d, "lastDrill", "; last drill: ")
          + opt(d, "drillEvery", "; interval ");
      case EMERGENCY_OPENED -> "emergency opened: the primary identity provider is down" + opt(d, "cause", ": ");
      case INCIDENT_DECLARED -> "incident declared by " + e.actor() + opt(d, "reason", ": ");
      case PROBE_FAILED -> "health probe failed" + opt(d, "probe", ": ");
      case ACCESS_REQUESTED -> e.actor() + " requested " + account + " for " + d.getOrDefault("duration", "?")
          + opt(d, "reason", "; reason: ") + opt(d, "ticket", "; ticket: ") + opt(d, "client", "; client ");
      case ACCESS_DENIED -> "request by " + e.actor() + (account.isEmpty() ? "" : " for " + account) + " refused"
          + opt(d, "reason", ": ") + opt(d, "detail", " (", ")");
      case APPROVAL_ACCEPTED -> e.actor() + " approved" + opt(d, "approvals", " (", ")") + "; "
          + (ReviewModel.signer(e) == null ? "no signature recorded (name only)" : "signed with " + ReviewModel.signer(e))
          + opt(d, "comment", "; comment: ");
      case APPROVAL_REFUSED -> "approval by " + e.actor() + " refused" + opt(d, "reason", ": ");
      case REQUEST_DENIED -> "request denied by " + e.actor() + opt(d, "reason", ": ");
      case APPROVAL_EXPIRED -> "request expired without enough approvals" + opt(d, "reason", ": ");
      case GRANT_ISSUED -> "grant issued to " + d.getOrDefault("requester", g == null || g.requested == null ? "?"
          : g.requested.actor()) + " for " + account + opt(d, "expiresAt", " until ") + opt(d, "approvedBy",
          ", approved by ");
      case CREDENTIAL_RELEASED -> "credential of " + account + " released to " + e.actor() + opt(d, "source", " from the ");
      case CREDENTIAL_RELEASE_REFUSED -> "credential release refused" + opt(d, "reason", ": ");
      case CREDENTIAL_RELEASE_ATTEMPT -> "credential release of " + account + " attempted by " + e.actor();
      case CREDENTIAL_RELEASE_LOST_RACE -> "credential release of " + account + " lost the race to another node;"
          + " nothing released here";
      case LOGIN_REFUSALS_SUMMARIZED -> d.getOrDefault("refused", "?") + " refused logins as " + account
          + " throttled (counted here only)" + opt(d, "coalesced", "; alerts of ", " refusals recorded one by one"
              + " coalesced here") + opt(d, "event", " (", ")") + opt(d, "from", "; from ") + opt(d, "to", " to ");
      case ALERT_OUTBOX_TAMPERED -> "alert outbox line refused: MAC check failed" + opt(d, "file", " in ");
      case EMERGENCY_LOGIN -> e.actor() + " signed in as " + account + " from client "
          + d.getOrDefault("client", "(not recorded)");
      case EMERGENCY_LOGIN_REFUSED -> "login as " + account + " refused" + opt(d, "reason", ": ")
          + opt(d, "client", "; client ");
      case USE_OUTSIDE_EMERGENCY -> account + " used outside an emergency" + opt(d, "operation", " (", ")")
          + opt(d, "client", "; client ");
      case GRANT_EXPIRED -> "grant expired" + opt(d, "reason", ": ");
      case GRANT_REVOKED -> "grant revoked by " + e.actor() + opt(d, "reason", ": ");
      case GRANT_CLOSED -> "grant closed by " + e.actor() + opt(d, "reason", ": ");
      case ROTATION_STARTED -> "rotation of " + account + " started" + opt(d, "rotator", " with ");
      case CREDENTIAL_ROTATED -> "credential of " + account + " rotated" + opt(d, "rotator", " by ") + "; account clean";
      case ROTATION_FAILED -> "rotation of " + account + " FAILED" + opt(d, "error", ": ")
          + opt(d, "nextAttempt", "; next attempt ");
      case EMERGENCY_CLOSED -> "emergency closed: the primary identity provider recovered";
      case INCIDENT_CLOSED -> "incident closed by " + e.actor() + opt(d, "reason", ": ");
      case PROBE_RECOVERED -> "health probe recovered" + opt(d, "probe", ": ");
      case AUDIT_LOG_REPAIRED -> "audit log repaired on open" + opt(d, "truncatedBytes", "; bytes cut: ");
      default -> e.type() + " by " + e.actor() + (account.isEmpty() ? "" : " on " + account);
    };
  }

  private static String opt(Map<String, String> d, String key, String prefix) {
    return opt(d, key, prefix, "");
  }

  private static String opt(Map<String, String> d, String key, String prefix, String suffix) {
    String v = d.get(key);
    return v == null || v.isEmpty() ? "" : prefix + ReviewModel.seconds(v) + suffix;
  }
}

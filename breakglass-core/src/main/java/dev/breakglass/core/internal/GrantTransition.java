package dev.breakglass.core.internal;

import dev.breakglass.AuditEventType;
import dev.breakglass.GrantStatus;
import dev.breakglass.spi.Severity;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * The grant lifecycle as one table: every legal change of a stored grant, the statuses it may start
 * from, the status it leads to, and the audit event (and so the alert severity) that records it.
 * {@link GrantStateMachine#transition} refuses anything not in this table.
 *
 * <pre>
 *            REQUEST                 ISSUE                 EXPIRE
 *   (none) ──────────▶ PENDING ─────────────▶ ACTIVE ───────────────▶ EXPIRED
 *                      │  ▲ APPROVE           │  ▲ RELEASE (once)
 *                      │  └──┘                │  └──┘
 *                      ├─ DENY ──────▶ DENIED  ├─ REVOKE ─▶ REVOKED
 *                      ├─ EXPIRE_REQUEST ─▶ APPROVAL_EXPIRED
 *                      ├─ REVOKE ─▶ REVOKED   └─ CLOSE ──▶ CLOSED
 *                      └─ CLOSE ──▶ CLOSED
 * </pre>
 */
enum GrantTransition {
  /** A new request is stored (an insert, not a compare-and-set). */
  REQUEST(EnumSet.noneOf(GrantStatus.class), GrantStatus.PENDING_APPROVAL, AuditEventType.ACCESS_REQUESTED),
  APPROVE(EnumSet.of(GrantStatus.PENDING_APPROVAL), GrantStatus.PENDING_APPROVAL, AuditEventType.APPROVAL_ACCEPTED),
  ISSUE(EnumSet.of(GrantStatus.PENDING_APPROVAL), GrantStatus.ACTIVE, AuditEventType.GRANT_ISSUED),
  RELEASE(EnumSet.of(GrantStatus.ACTIVE), GrantStatus.ACTIVE, AuditEventType.CREDENTIAL_RELEASED),
  DENY(EnumSet.of(GrantStatus.PENDING_APPROVAL), GrantStatus.DENIED, AuditEventType.REQUEST_DENIED),
  EXPIRE_REQUEST(EnumSet.of(GrantStatus.PENDING_APPROVAL), GrantStatus.APPROVAL_EXPIRED,
      AuditEventType.APPROVAL_EXPIRED),
  REVOKE(EnumSet.of(GrantStatus.PENDING_APPROVAL, GrantStatus.ACTIVE), GrantStatus.REVOKED,
      AuditEventType.GRANT_REVOKED),
  CLOSE(EnumSet.of(GrantStatus.PENDING_APPROVAL, GrantStatus.ACTIVE), GrantStatus.CLOSED, AuditEventType.GRANT_CLOSED),
  EXPIRE(EnumSet.of(GrantStatus.ACTIVE), GrantStatus.EXPIRED, AuditEventType.GRANT_EXPIRED);

  private final Set<GrantStatus> from;
  private final GrantStatus to;
  private final AuditEventType event;

  GrantTransition(Set<GrantStatus> from, GrantStatus to, AuditEventType event) {
    this.from = Set.copyOf(from);
    this.to = to;
    this.event = event;
  }

  /** The stored statuses this transition may start from (empty for {@link #REQUEST}). */
  Set<GrantStatus> from() {
    return from;
  }

  GrantStatus to() {
    return to;
  }

  /** The audit event written before the change. */
  AuditEventType event() {
    return event;
  }

  /** The severity of the alert raised after the change. */
  Severity severity() {
    return Recorder.severityOf(event);
  }

  /** Whether the transition may start from a stored grant in {@code status}. */
  boolean allowedFrom(GrantStatus status) {
    return from.contains(status);
  }

  /**
   * The id (idempotency key) of the alert this transition raises for {@code grantId}. The issue
   * alert's id is the same on every node and after restarts, so a release can ask whether it was
   * confirmed ({@link #issuedAlertId}); the others are random.
   */
  String alertId(String grantId) {
    return this == ISSUE ? issuedAlertId(grantId) : UUID.randomUUID().toString();
  }

  /** The idempotency key of a grant's GRANT_ISSUED alert. */
  static String issuedAlertId(String grantId) {
    return grantId + "/" + AuditEventType.GRANT_ISSUED;
  }

  /** The transition that ends a grant with {@code terminal} by someone's decision (revoke or close). */
  static GrantTransition ending(GrantStatus terminal) {
    switch (terminal) {
      case REVOKED:
        return REVOKE;
      case CLOSED:
        return CLOSE;
      default:
        throw new IllegalArgumentException("a person ends a grant by revoking or closing it, not " + terminal);
    }
  }
}

package dev.breakglass;

/** What an {@link AuditEvent} records. New types may be added in minor versions. */
public enum AuditEventType {
  EMERGENCY_OPENED,
  EMERGENCY_CLOSED,
  INCIDENT_DECLARED,
  INCIDENT_CLOSED,
  PROBE_FAILED,
  PROBE_RECOVERED,
  ACCESS_REQUESTED,
  ACCESS_DENIED,
  APPROVAL_ACCEPTED,
  APPROVAL_REFUSED,
  REQUEST_DENIED,
  APPROVAL_EXPIRED,
  GRANT_ISSUED,
  CREDENTIAL_RELEASED,
  CREDENTIAL_RELEASE_REFUSED,
  /**
   * A release is about to compare-and-set the grant as released; written durably before that
   * write, and followed by {@link #CREDENTIAL_RELEASED} or {@link #CREDENTIAL_RELEASE_LOST_RACE}.
   * An attempt without either outcome means the process stopped in between: no credential left.
   */
  CREDENTIAL_RELEASE_ATTEMPT,
  /** A release attempt lost the compare-and-set to another writer of a shared store; nothing was released here. */
  CREDENTIAL_RELEASE_LOST_RACE,
  EMERGENCY_LOGIN,
  EMERGENCY_LOGIN_REFUSED,
  /**
   * Counted summary of refused break-glass logins that were throttled or coalesced within one
   * window (details {@code refused}: how many, {@code window}); each refused attempt is counted in
   * exactly one {@link #EMERGENCY_LOGIN_REFUSED}, {@link #USE_OUTSIDE_EMERGENCY} or summary record.
   */
  LOGIN_REFUSALS_SUMMARIZED,
  USE_OUTSIDE_EMERGENCY,
  GRANT_EXPIRED,
  GRANT_REVOKED,
  GRANT_CLOSED,
  ROTATION_STARTED,
  CREDENTIAL_ROTATED,
  ROTATION_FAILED,
  CREDENTIALS_CHECKED,
  CREDENTIALS_UNUSABLE,
  ALERT_DELIVERED,
  ALERT_FAILED,
  /**
   * A line in the alert outbox failed its MAC check (injected or altered on disk): it was refused,
   * neither signed nor delivered.
   */
  ALERT_OUTBOX_TAMPERED,
  AUDIT_LOG_REPAIRED,
  /**
   * The audit log failed its checks at start (a checkpoint missing, invalid or of another log, the
   * signed size shrank, the signing key or {@code audit.pub} changed, or the log does not extend the
   * newest witnessed checkpoint) and the engine refused to start: CRITICAL alert only, since the
   * refused log cannot record it. Details name the record, segment, byte offset and problem.
   */
  AUDIT_LOG_REFUSED,
  /**
   * A signed audit log checkpoint, sent as an INFO alert so that every receiver keeps a copy outside
   * the data directory. Details: {@code logId}, {@code treeSize}, {@code root}, {@code keyId},
   * {@code checkpoint} (the full signed text). Not recorded in the log, whose checkpoint frame it copies.
   */
  AUDIT_CHECKPOINT,
  DRILL_STARTED,
  DRILL_COMPLETED,
  DRILL_FAILED,
  /** An account's last successful drill is older than its {@code drillEvery} interval (HIGH alert). */
  DRILL_OVERDUE,
  /**
   * A custodian's public key (raw or WebAuthn) was registered; the record carries the public key, so
   * approvals signed with it can be re-verified from the log alone.
   */
  CUSTODIAN_KEY_REGISTERED,
  /** A custodian's key was removed; approvals signed with it later are refused. */
  CUSTODIAN_KEY_REMOVED
}

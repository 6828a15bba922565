package dev.breakglass;

/** What an {@link AuditEvent} records. New types may be added in minor versions. */
public enum AuditEventType {
  /** The emergency path opened: the primary identity provider failed its probes or an incident was declared. */
  EMERGENCY_OPENED,
  /** The emergency path closed: the primary recovered and no incident is declared. */
  EMERGENCY_CLOSED,
  /** An incident declarer opened the emergency path by hand ({@link BreakGlass#declareIncident}). */
  INCIDENT_DECLARED,
  /** The declared incident was closed ({@link BreakGlass#closeIncident}). */
  INCIDENT_CLOSED,
  /** A health probe of the primary identity provider failed; details name the probe and the failure. */
  PROBE_FAILED,
  /** A health probe that had failed succeeds again. */
  PROBE_RECOVERED,
  /** A request for emergency access was accepted for processing ({@link BreakGlass#requestAccess}). */
  ACCESS_REQUESTED,
  /** A request for emergency access was refused; details carry the {@link ReasonCode}. */
  ACCESS_DENIED,
  /** A custodian's approval was counted towards a pending request. */
  APPROVAL_ACCEPTED,
  /** An approval was refused (self-approval, not a custodian, duplicate, digest mismatch, expired). */
  APPROVAL_REFUSED,
  /** A custodian denied a pending request ({@link BreakGlass#deny}). */
  REQUEST_DENIED,
  /** A pending request did not collect its approvals within the policy's approval timeout. */
  APPROVAL_EXPIRED,
  /** A grant became active: enough approvals arrived, or none were required. */
  GRANT_ISSUED,
  /** The credential of an active grant was released to its holder ({@link EmergencyAccessGrant#releaseCredential()}). */
  CREDENTIAL_RELEASED,
  /** A credential release was refused (grant not active, already released, alert not confirmed). */
  CREDENTIAL_RELEASE_REFUSED,
  /**
   * A release is about to compare-and-set the grant as released; written durably before that
   * write, and followed by {@link #CREDENTIAL_RELEASED} or {@link #CREDENTIAL_RELEASE_LOST_RACE}.
   * An attempt without either outcome means the process stopped in between: no credential left.
   */
  CREDENTIAL_RELEASE_ATTEMPT,
  /** A release attempt lost the compare-and-set to another writer of a shared store; nothing was released here. */
  CREDENTIAL_RELEASE_LOST_RACE,
  /** A break-glass account authenticated through the guard during an emergency under an active grant. */
  EMERGENCY_LOGIN,
  /** A break-glass login through the guard was refused (no active grant, wrong credential). */
  EMERGENCY_LOGIN_REFUSED,
  /**
   * Counted summary of refused break-glass logins that were throttled or coalesced within one
   * window (details {@code refused}: how many, {@code window}); each refused attempt is counted in
   * exactly one {@link #EMERGENCY_LOGIN_REFUSED}, {@link #USE_OUTSIDE_EMERGENCY} or summary record.
   */
  LOGIN_REFUSALS_SUMMARIZED,
  /** A break-glass account was presented while the primary was healthy and no incident was declared (CRITICAL alert). */
  USE_OUTSIDE_EMERGENCY,
  /** An active grant reached its expiry. */
  GRANT_EXPIRED,
  /** A pending or active grant was revoked. */
  GRANT_REVOKED,
  /** An active grant was closed because the work was done. */
  GRANT_CLOSED,
  /** Rotation of an account's credential began (after a grant ended or a drill). */
  ROTATION_STARTED,
  /** An account's credential was rotated; the released credential no longer works. */
  CREDENTIAL_ROTATED,
  /** Rotation failed; the account stays tainted until a rotation succeeds. */
  ROTATION_FAILED,
  /** Pre-staged credentials were checked ({@link BreakGlass#checkCredentials()}); nothing was released. */
  CREDENTIALS_CHECKED,
  /** A credential check found a pre-staged credential that does not decrypt or authenticate. */
  CREDENTIALS_UNUSABLE,
  /** An alert channel confirmed delivery of an alert. */
  ALERT_DELIVERED,
  /** An alert channel failed to deliver an alert; details name the channel and the failure. */
  ALERT_FAILED,
  /**
   * A line in the alert outbox failed its MAC check (injected or altered on disk): it was refused,
   * neither signed nor delivered.
   */
  ALERT_OUTBOX_TAMPERED,
  /**
   * The engine was built with no alert channel but the always-on log channel, so alerts reach only
   * the application log (and nobody at all if SLF4J has no provider). Details: {@code channels}
   * (the channel keys configured). Written at start; add a channel ({@code alert.channels}, or
   * {@code alertChannel(...)} on the engine builder) that reaches a person to stop it.
   */
  ALERTS_TO_LOG_ONLY,
  /**
   * A torn tail of the audit log (a partial or checksum-failing last record) was truncated when the
   * log was opened; details say what was cut. Any other damage refuses the log instead
   * ({@link #AUDIT_LOG_REFUSED}).
   */
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
  /** A drill of one account began ({@link BreakGlass#drill}); details carry {@code drill=true} and {@code drillId}. */
  DRILL_STARTED,
  /** A drill proved, rotated and proved the account's credential again. */
  DRILL_COMPLETED,
  /** A drill failed at one of its steps (CRITICAL alert); details name the step. */
  DRILL_FAILED,
  /** An account's last successful drill is older than its {@code drillEvery} interval (HIGH alert). */
  DRILL_OVERDUE,
  /**
   * A custodian's public key (raw or WebAuthn) was registered; the record carries the public key, so
   * approvals signed with it can be re-verified from the log alone.
   */
  CUSTODIAN_KEY_REGISTERED,
  /** A custodian's key was removed; approvals signed with it later are refused. */
  CUSTODIAN_KEY_REMOVED,
  /**
   * An engine started on this node (details {@code version}, {@code node}, {@code previousRun}:
   * {@code first}, {@code clean} or {@code unclean}, {@code lastSeenAt} of the previous run, and
   * {@code crossCheck}: how many audit records were checked against the state store, or
   * {@code skipped}). An unclean previous run means the process stopped without {@link #ENGINE_STOPPED}.
   */
  ENGINE_STARTED,
  /** The engine on this node was closed cleanly (details {@code version}, {@code node}). */
  ENGINE_STOPPED,
  /**
   * At start the state store disagreed with the audit log and was corrected to the safer reading
   * (details {@code found}, {@code corrected}): a grant ended in the log is ended in the store, a
   * released credential taints its account. CRITICAL: the store lost or never received a write.
   */
  STATE_STORE_CORRECTED
}

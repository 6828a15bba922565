package dev.breakglass;

/**
 * Why an operation was refused or failed, in a form a program can act on without parsing messages.
 * Every {@link BreakGlassException} carries one.
 */
public enum ReasonCode {
  /**
   * The primary identity provider is healthy and no incident is declared (a request, approval or
   * release outside an emergency). A login is never refused with this code: see
   * {@link #INVALID_CREDENTIALS}.
   */
  NOT_IN_EMERGENCY,
  /** The requester is not named by the account's policy. */
  REQUESTER_NOT_ALLOWED,
  /** The account is not a break-glass account under the policy. */
  UNKNOWN_ACCOUNT,
  /** The policy requires a reason and none was given. */
  MISSING_REASON,
  /** The policy requires a ticket reference and none was given. */
  MISSING_TICKET,
  /** The policy requires identification evidence that the request does not carry. */
  MISSING_IDENTIFICATION,
  /** The requested duration exceeds the account's maximum. */
  DURATION_TOO_LONG,
  /** The request itself is malformed (blank fields, negative duration, and so on). */
  INVALID_REQUEST,
  /** A requester tried to approve their own request. */
  SELF_APPROVAL,
  /** The approver is not a custodian of the account. */
  NOT_A_CUSTODIAN,
  /** This custodian has already approved this request. */
  DUPLICATE_APPROVAL,
  /** The approval was made for a different request (its digest does not match). */
  APPROVAL_MISMATCH,
  /** The request waited longer than the approval timeout. */
  APPROVAL_EXPIRED,
  /** The account's credential has not been rotated since its last grant ended. */
  ACCOUNT_TAINTED,
  /** Another grant for this account is pending or active. */
  ACCOUNT_IN_USE,
  /** Too many requests from this requester; retry later. */
  RATE_LIMITED,
  /** The audit sink could not make the record durable, so the operation did not happen. */
  AUDIT_UNAVAILABLE,
  /** The grant does not exist. */
  GRANT_NOT_FOUND,
  /**
   * The grant is not in a state that allows the operation (pending, ended, denied). A login is
   * never refused with this code: see {@link #INVALID_CREDENTIALS}.
   */
  GRANT_NOT_ACTIVE,
  /** The grant's credential has already been released once. */
  ALREADY_RELEASED,
  /** The actor is not allowed to perform this operation. */
  NOT_AUTHORIZED,
  /** The credential vault could not produce or store the credential. */
  VAULT_UNAVAILABLE,
  /** A pluggable provider is missing, misconfigured or broken. */
  PROVIDER_FAILURE,
  /** A policy file or policy definition is invalid. */
  INVALID_POLICY,
  /**
   * The credentials presented to the guard were rejected. It is also the one answer to every
   * refused break-glass login during an emergency (no active grant, a wrong or never-released
   * credential, an attempt the login throttle turned away), so that a caller cannot tell which
   * accounts exist or whether a grant is live; the precise reason is in the audit record only.
   * Outside an emergency a break-glass login gets whatever the primary answered.
   */
  INVALID_CREDENTIALS,
  /** The primary identity provider could not be reached (timeout, refused connection, 5xx). */
  PRIMARY_UNAVAILABLE,
  /**
   * The policy wants an alert channel to confirm the grant's alert before the credential is
   * released, and none has yet; retry once a channel is reachable.
   */
  ALERT_NOT_CONFIRMED,
  /** Rotating a credential failed; the account stays tainted. */
  ROTATION_FAILED,
  /**
   * The grant belongs to a drill ({@link EmergencyAccessGrant#isDrill()}): it is never real access,
   * so its credential is not released to anyone and no login goes through it.
   */
  DRILL_GRANT,
  /** The engine has been closed. */
  CLOSED,
  /**
   * The account requires custodians to sign their approvals and denials ({@link
   * SignatureRequirement}), and this one carries no {@link ApprovalSignature}.
   */
  SIGNATURE_REQUIRED,
  /**
   * The signature does not verify over this request's {@link ApprovalStatement}: it was made over
   * another request's digest, for another approver or decision, altered, or its signing time lies
   * outside the request's life.
   */
  SIGNATURE_INVALID,
  /** The signing key (or WebAuthn credential) is not registered to this custodian. */
  KEY_NOT_REGISTERED,
  /**
   * A WebAuthn assertion whose challenge binds another request (or another approver, decision or
   * time): an assertion replayed from elsewhere.
   */
  ASSERTION_REPLAYED,
  /**
   * The WebAuthn signature counter did not grow past the last one seen for this credential: the
   * authenticator may have been cloned.
   */
  SIGNATURE_COUNTER_REGRESSED,
  /** The WebAuthn assertion was made for another origin or relying-party id than this console's. */
  WRONG_ORIGIN,
  /**
   * The grant store (the engine state, e.g. a shared database) could not be reached, so the operation
   * did not happen or, if it was cut off mid-way, must be treated as not done. Nothing is granted
   * without its state; retry once the store is back.
   */
  STATE_UNAVAILABLE
}

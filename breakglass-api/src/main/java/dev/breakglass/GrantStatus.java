package dev.breakglass;

/** Where a grant is in its lifecycle. Only {@link #ACTIVE} lets a credential be released or used. */
public enum GrantStatus {
  /** Waiting for custodians' approvals. */
  PENDING_APPROVAL,
  /** Issued and within its lifetime. */
  ACTIVE,
  /** A custodian denied the request. */
  DENIED,
  /** The approvals did not arrive before the approval timeout. */
  APPROVAL_EXPIRED,
  /** The grant reached its absolute expiry. */
  EXPIRED,
  /** Revoked before its expiry. */
  REVOKED,
  /** Closed by the requester or an operator when the work was done, or when the emergency ended. */
  CLOSED;

  /**
   * Whether the grant can no longer change.
   *
   * @return {@code true} for every status except {@link #PENDING_APPROVAL} and {@link #ACTIVE}
   */
  public boolean isTerminal() {
    return this != PENDING_APPROVAL && this != ACTIVE;
  }
}

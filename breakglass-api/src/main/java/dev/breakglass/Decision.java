package dev.breakglass;

import java.util.Locale;

/** What a custodian decided about a pending request; part of every signed {@link ApprovalStatement}. */
public enum Decision {
  /** The custodian approves the request. */
  APPROVE,
  /** The custodian refuses the request; it can no longer be approved. */
  DENY;

  /**
   * The word used in the signed statement and in audit details.
   *
   * @return {@code approve} or {@code deny}
   */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}

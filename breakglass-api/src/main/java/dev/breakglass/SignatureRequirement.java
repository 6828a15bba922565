package dev.breakglass;

/**
 * Whether an account's approvals and denials must carry a custodian's signature ({@link
 * ApprovalSignature}). Policy files spell it {@code approvalSignature: required | optional}; without
 * the field an account uses {@link #WHEN_REGISTERED}.
 */
public enum SignatureRequirement {
  /**
   * The default: required as soon as any custodian of the account has a registered key (until then
   * a bare name is accepted, as before keys existed). A signature that is attached is always
   * verified.
   */
  WHEN_REGISTERED,
  /**
   * Always required: a custodian without a registered key cannot approve or deny, so register keys
   * before setting this.
   */
  REQUIRED,
  /**
   * Accepted without a signature; a signature that is attached is still verified, and a bad one is
   * refused.
   */
  OPTIONAL
}

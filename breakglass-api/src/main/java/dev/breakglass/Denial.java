package dev.breakglass;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A custodian's refusal of one pending request, optionally signed like an {@link Approval} (a
 * signed denial proves later that this custodian, not someone using their name, refused).
 *
 * <pre>{@code
 * breakGlass.deny(Denial.of(pendingGrant, "carol", "no incident ticket").withSignature(signature));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Denial {
  private final String grantId;
  private final String custodian;
  private final String requestDigest;
  private final String reason;
  private final @Nullable ApprovalSignature signature;

  private Denial(String grantId, String custodian, String requestDigest, String reason,
      @Nullable ApprovalSignature signature) {
    this.grantId = FreeText.require("grantId", grantId, FreeText.MAX_ID);
    this.custodian = Identity.require("custodian", custodian);
    this.requestDigest = FreeText.require("requestDigest", requestDigest, FreeText.MAX_ID);
    this.reason = Objects.requireNonNullElse(FreeText.check("reason", reason, FreeText.MAX_REASON), "");
    this.signature = signature;
  }

  /**
   * A denial by {@code custodian} of the request behind {@code grant}, bound to the grant's current
   * {@link EmergencyAccessGrant#requestDigest()}. Pass it to {@link BreakGlass#deny(Denial)}, after
   * {@link #withSignature} where the account requires signed decisions.
   *
   * @param grant the pending grant the custodian reviewed
   * @param custodian the refusing custodian (or an incident declarer)
   * @param reason why, for the audit trail and the requester; {@code null} or blank records no reason
   * @return the unsigned denial
   * @throws NullPointerException if {@code grant} is {@code null}
   * @throws InvalidRequestException naming the field if {@code custodian} is not a valid name
   *     ({@link Identity}) or {@code reason} is not valid free text ({@link FreeText})
   */
  public static Denial of(EmergencyAccessGrant grant, String custodian, String reason) {
    Objects.requireNonNull(grant, "grant");
    return new Denial(grant.id(), custodian, grant.requestDigest(), reason, null);
  }

  /**
   * A denial from its parts, for custodian tools that transport them separately (for example
   * {@code breakglass approve --deny}, which reads the digest off the request).
   *
   * @param grantId the id of the pending grant
   * @param custodian the refusing custodian (or an incident declarer)
   * @param requestDigest the {@link EmergencyAccessGrant#requestDigest()} the custodian reviewed; the
   *     engine refuses the denial with {@link ReasonCode#APPROVAL_MISMATCH} if it is not the grant's
   * @param reason why, for the audit trail and the requester; {@code null} or blank records no reason
   * @return the unsigned denial
   * @throws InvalidRequestException naming the first invalid field (the custodian by the
   *     {@link Identity} rule, the others by the {@link FreeText} rule)
   */
  public static Denial of(String grantId, String custodian, String requestDigest, String reason) {
    return new Denial(grantId, custodian, requestDigest, reason, null);
  }

  /**
   * This denial carrying the custodian's signature over the {@link Decision#DENY}
   * {@link ApprovalStatement} of this grant, request digest and custodian. The engine verifies it
   * against the custodian's registered keys; an account whose policy requires signatures refuses an
   * unsigned denial ({@link ReasonCode#SIGNATURE_REQUIRED}).
   *
   * @param signature the custodian's signature, made with {@link ApprovalSignature#raw} or
   *     {@link ApprovalSignature#webAuthn}
   * @return a new denial with the same grant, custodian, digest and reason, plus the signature
   * @throws NullPointerException if {@code signature} is {@code null}
   */
  public Denial withSignature(ApprovalSignature signature) {
    return new Denial(grantId, custodian, requestDigest, reason, Objects.requireNonNull(signature, "signature"));
  }

  /**
   * The grant this denial is for.
   *
   * @return the grant id
   */
  public String grantId() {
    return grantId;
  }

  /**
   * Who refuses.
   *
   * @return the custodian's name
   */
  public String custodian() {
    return custodian;
  }

  /**
   * The digest of the request the custodian reviewed; the engine refuses the denial if it does not
   * match the grant's.
   *
   * @return the request digest
   */
  public String requestDigest() {
    return requestDigest;
  }

  /**
   * Why the custodian refuses, as recorded in the audit trail.
   *
   * @return the reason, stripped; empty if none was given
   */
  public String reason() {
    return reason;
  }

  /**
   * The custodian's signature, if the denial is signed.
   *
   * @return the signature, or {@code null} for an unsigned denial
   */
  public @Nullable ApprovalSignature signature() {
    return signature;
  }

  @Override
  public String toString() {
    return "Denial[grant=" + grantId + ", custodian=" + custodian + (signature != null ? ", signed" : "") + "]";
  }
}

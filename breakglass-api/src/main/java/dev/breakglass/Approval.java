package dev.breakglass;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A custodian's approval of one specific request. It names the grant and carries the request
 * digest the custodian reviewed ({@link EmergencyAccessGrant#requestDigest()}); the engine accepts
 * it only if that digest matches, so an approval cannot be replayed onto another request.
 *
 * <pre>{@code
 * breakGlass.approve(Approval.of(pendingGrant, "carol"));
 * }</pre>
 *
 * <h2>Custodian shares</h2>
 * Where the account's credential sits in a custodian-sealed vault, approving and unsealing are one
 * act: the custodian attaches their share (the paper form, as typed) with {@link #withShare}. The
 * engine uses it only in memory to unseal the credential when enough custodians have approved, then
 * {@linkplain #wipeShare() wipes} it. The share never appears in {@link #toString()} and is never
 * stored with the approval record.
 *
 * <pre>{@code
 * char[] typed = readShareFromTerminal();
 * try {
 *   breakGlass.approve(Approval.of(pendingGrant, "carol").withShare(typed));
 * } finally {
 *   Arrays.fill(typed, '\0');
 * }
 * }</pre>
 *
 * <h2>Signed approvals</h2>
 * Where the identity provider that would authenticate the custodian is down, the approval carries
 * the custodian's own proof: a signature by a registered key over the request ({@link
 * #withSignature}, {@link ApprovalStatement}).
 *
 * <p>Immutable except for the attached share, which {@link #wipeShare()} clears; safe to pass between
 * threads, but only one party (the engine) should wipe the share.
 */
public final class Approval {
  private final String grantId;
  private final String custodian;
  private final String requestDigest;
  private final @Nullable String comment;
  private final char @Nullable [] share;
  private final @Nullable ApprovalSignature signature;
  private volatile boolean shareWiped;

  private Approval(String grantId, String custodian, String requestDigest, @Nullable String comment,
      char @Nullable [] share, @Nullable ApprovalSignature signature) {
    this.grantId = FreeText.require("grantId", grantId, FreeText.MAX_ID);
    this.custodian = Identity.require("custodian", custodian);
    this.requestDigest = FreeText.require("requestDigest", requestDigest, FreeText.MAX_ID);
    this.comment = FreeText.check("comment", comment, FreeText.MAX_COMMENT);
    this.share = share;
    this.signature = signature;
  }

  /**
   * An approval by {@code custodian} of the request behind {@code grant}, as the custodian saw it:
   * the grant's current {@link EmergencyAccessGrant#requestDigest()} is bound into the approval.
   *
   * @param grant the pending grant the custodian reviewed
   * @param custodian the approving custodian; not the requester
   * @return the approval, without a comment or share
   * @throws NullPointerException if {@code grant} is null
   * @throws InvalidRequestException if {@code custodian} is blank or malformed
   */
  public static Approval of(EmergencyAccessGrant grant, String custodian) {
    Objects.requireNonNull(grant, "grant");
    return new Approval(grant.id(), custodian, grant.requestDigest(), null, null, null);
  }

  /**
   * An approval from its parts, for custodian tools that transport them separately (for example a
   * custodian who approves from another machine, reading the digest off a ticket).
   *
   * @param grantId the id of the pending grant
   * @param custodian the approving custodian; not the requester
   * @param requestDigest the {@link EmergencyAccessGrant#requestDigest()} the custodian reviewed
   * @param comment an optional remark for the audit trail, or {@code null}: free text of at most
   *     {@value FreeText#MAX_COMMENT} characters without control, bidi or invisible characters
   * @return the approval, without a share
   * @throws InvalidRequestException naming the first invalid field (the custodian by the
   *     {@link Identity} rule, the others by the {@link FreeText} rule)
   */
  public static Approval of(String grantId, String custodian, String requestDigest, @Nullable String comment) {
    return new Approval(grantId, custodian, requestDigest, comment, null, null);
  }

  /**
   * This approval carrying the custodian's signature over the {@link Decision#APPROVE}
   * {@link ApprovalStatement} of this grant, request digest and custodian. The engine verifies it
   * against the custodian's registered keys; accounts whose policy requires signatures refuse an
   * approval without one ({@link ReasonCode#SIGNATURE_REQUIRED}). Any attached share is kept
   * (copied).
   *
   * <pre>{@code
   * ApprovalStatement statement = ApprovalStatement.of(grant.id(), grant.requestDigest(), "carol",
   *     Decision.APPROVE, Instant.now());
   * ApprovalSignature signature = ApprovalSignature.raw(ApprovalSignature.Kind.ED25519, carolsKeyId,
   *     statement.signedAt(), sign(statement.bytes()));
   * breakGlass.approve(Approval.of(grant, "carol").withSignature(signature));
   * }</pre>
   *
   * @param signature the custodian's signature, made with {@link ApprovalSignature#raw} or
   *     {@link ApprovalSignature#webAuthn}
   * @return a new approval with the same grant, custodian, digest, comment and share, plus the
   *     signature
   * @throws NullPointerException if {@code signature} is {@code null}
   */
  public Approval withSignature(ApprovalSignature signature) {
    Objects.requireNonNull(signature, "signature");
    return new Approval(grantId, custodian, requestDigest, comment, share == null ? null : share.clone(), signature);
  }

  /**
   * The custodian's signature, if the approval is signed.
   *
   * @return the signature, or {@code null} for an unsigned approval
   */
  public @Nullable ApprovalSignature signature() {
    return signature;
  }

  /**
   * This approval carrying the custodian's share of a sealed vault, in its encoded (paper) form.
   * The share is copied: the caller stays responsible for wiping {@code encodedShare}.
   *
   * @param encodedShare the share as typed from its paper form
   * @return a new approval with the same grant, custodian, digest and comment, plus the share
   * @throws IllegalArgumentException if {@code encodedShare} is empty
   */
  public Approval withShare(char[] encodedShare) {
    Objects.requireNonNull(encodedShare, "encodedShare");
    if (encodedShare.length == 0) {
      throw new IllegalArgumentException("encodedShare is empty");
    }
    return new Approval(grantId, custodian, requestDigest, comment, encodedShare.clone(), signature);
  }

  /**
   * Whether a share is attached and not yet wiped.
   *
   * @return {@code true} if {@link #share()} can be read
   */
  public boolean hasShare() {
    return share != null && !shareWiped;
  }

  /**
   * The attached share itself, not a copy: valid until {@link #wipeShare()}.
   *
   * @return the encoded share
   * @throws IllegalStateException if no share is attached or it has been wiped
   */
  public char[] share() {
    char[] s = share;
    if (s == null) {
      throw new IllegalStateException("approval by '" + custodian + "' carries no share");
    }
    if (shareWiped) {
      throw new IllegalStateException("the share of the approval by '" + custodian + "' has been wiped");
    }
    return s;
  }

  /** Overwrites the attached share with zeros. Idempotent; does nothing if no share is attached. */
  public void wipeShare() {
    char[] s = share;
    if (s != null) {
      shareWiped = true;
      Arrays.fill(s, '\0');
    }
  }

  /**
   * The grant this approval is for.
   *
   * @return the grant id
   */
  public String grantId() {
    return grantId;
  }

  /**
   * Who approves.
   *
   * @return the custodian's name
   */
  public String custodian() {
    return custodian;
  }

  /**
   * The digest of the request the custodian reviewed; the engine refuses the approval if it does
   * not match the grant's current digest.
   *
   * @return the request digest
   */
  public String requestDigest() {
    return requestDigest;
  }

  /**
   * The custodian's remark for the audit trail, if any.
   *
   * @return the comment, or {@code null}
   */
  public @Nullable String comment() {
    return comment;
  }

  @Override
  public String toString() {
    return "Approval[grant=" + grantId + ", custodian=" + custodian
        + (share != null ? ", share=<redacted>" : "") + (signature != null ? ", signed" : "") + "]";
  }
}

package dev.breakglass;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * The exact bytes a custodian signs to approve or deny one request: the canonical statement binds
 * the grant id, the request digest ({@link EmergencyAccessGrant#requestDigest()}), the approver, the
 * decision and the time of signing, so a signature can be moved to no other request, custodian,
 * decision or time.
 *
 * <h2>Encoding (version 1)</h2>
 * UTF-8, six lines, each ended by a line feed ({@code \n}), in this order and nothing else:
 * <pre>
 * breakglass-approval-v1
 * grant: bg-5c1e...
 * request-digest: 3f9a...            (lower-case hex SHA-256, as the grant reports it)
 * approver: carol
 * decision: approve                  (or deny)
 * signed-at: 2026-11-28T09:01:30Z    (ISO-8601 UTC, whole seconds)
 * </pre>
 * No field may contain a control character, so no line can be forged inside another.
 *
 * <h2>How each key signs it</h2>
 * <ul>
 *   <li>Ed25519: the signature over {@link #bytes()} (RFC 8032, pure Ed25519).</li>
 *   <li>ECDSA P-256: {@code SHA256withECDSA} over {@link #bytes()}, DER-encoded.</li>
 *   <li>WebAuthn: the assertion's challenge is {@link #webAuthnChallenge()}, the SHA-256 of
 *       {@link #bytes()}; the authenticator signs {@code authenticatorData || SHA-256(clientDataJSON)}
 *       as WebAuthn defines.</li>
 * </ul>
 *
 * <pre>{@code
 * ApprovalStatement statement = ApprovalStatement.of(grant.id(), grant.requestDigest(), "carol",
 *     Decision.APPROVE, clock.instant());
 * Signature ed = Signature.getInstance("Ed25519");
 * ed.initSign(carolsPrivateKey);
 * ed.update(statement.bytes());
 * ApprovalSignature signature = ApprovalSignature.raw(ApprovalSignature.Kind.ED25519, carolsKeyId,
 *     statement.signedAt(), ed.sign());
 * breakGlass.approve(Approval.of(grant, "carol").withSignature(signature));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ApprovalStatement {
  /** The first line of every version-1 statement. */
  public static final String HEADER = "breakglass-approval-v1";

  private final String grantId;
  private final String requestDigest;
  private final String approver;
  private final Decision decision;
  private final Instant signedAt;

  private ApprovalStatement(String grantId, String requestDigest, String approver, Decision decision,
      Instant signedAt) {
    this.grantId = FreeText.require("grantId", grantId, FreeText.MAX_ID);
    this.requestDigest = FreeText.require("requestDigest", requestDigest, FreeText.MAX_ID);
    this.approver = Identity.require("approver", approver);
    this.decision = Objects.requireNonNull(decision, "decision");
    this.signedAt = Objects.requireNonNull(signedAt, "signedAt").truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }

  /**
   * The statement for one decision. Build it from the grant the custodian is deciding on, with the
   * current time, sign {@link #bytes()} (or use {@link #webAuthnChallenge()} as a WebAuthn
   * challenge), then pass {@link #signedAt()} to {@link ApprovalSignature#raw} or
   * {@link ApprovalSignature#webAuthn}. The engine refuses a signature dated before the request was
   * made or after its own clock, give or take a small allowance for clock skew.
   *
   * @param grantId the grant's id ({@link EmergencyAccessGrant#id()})
   * @param requestDigest the grant's {@link EmergencyAccessGrant#requestDigest()}, unchanged
   * @param approver the custodian who signs (their identity as the engine knows it)
   * @param decision {@link Decision#APPROVE} or {@link Decision#DENY}
   * @param signedAt when the custodian signs; truncated to whole seconds
   * @return the statement
   * @throws InvalidRequestException if a field is blank, too long or holds a control character
   * @throws NullPointerException if {@code decision} or {@code signedAt} is {@code null}
   */
  public static ApprovalStatement of(String grantId, String requestDigest, String approver, Decision decision,
      Instant signedAt) {
    return new ApprovalStatement(grantId, requestDigest, approver, decision, signedAt);
  }

  /**
   * The canonical text (see the class documentation); show it to a custodian before they sign so
   * they see exactly what they commit to.
   *
   * @return the six lines, each ended by a line feed
   */
  public String text() {
    return HEADER + "\n"
        + "grant: " + grantId + "\n"
        + "request-digest: " + requestDigest + "\n"
        + "approver: " + approver + "\n"
        + "decision: " + decision.word() + "\n"
        + "signed-at: " + signedAt + "\n";
  }

  /**
   * The canonical text as UTF-8: what Ed25519 and ECDSA P-256 keys sign.
   *
   * @return a new array on each call
   */
  public byte[] bytes() {
    return text().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * SHA-256 of {@link #bytes()}: pass it as the {@code challenge} of
   * {@code navigator.credentials.get} so the security key's assertion covers this statement.
   *
   * @return the 32-byte challenge, a new array on each call
   */
  public byte[] webAuthnChallenge() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /**
   * {@link #webAuthnChallenge()} in unpadded base64url, as it appears in {@code clientDataJSON};
   * compare it with the {@code challenge} member of an assertion's client data.
   *
   * @return the challenge as base64url without padding
   */
  public String webAuthnChallengeBase64Url() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(webAuthnChallenge());
  }

  /**
   * The grant the decision is about.
   *
   * @return the grant id
   */
  public String grantId() {
    return grantId;
  }

  /**
   * The digest of the request as the grant reported it, which ties the signature to the request's
   * content (requester, account, reason, ...), not just to its id.
   *
   * @return the request digest, lower-case hex
   */
  public String requestDigest() {
    return requestDigest;
  }

  /**
   * The custodian who signs.
   *
   * @return the approver's identity
   */
  public String approver() {
    return approver;
  }

  /**
   * Whether the custodian approves or denies.
   *
   * @return the decision
   */
  public Decision decision() {
    return decision;
  }

  /**
   * When the custodian signed, in whole seconds.
   *
   * @return the signing time
   */
  public Instant signedAt() {
    return signedAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApprovalStatement && ((ApprovalStatement) o).text().equals(text());
  }

  @Override
  public int hashCode() {
    return text().hashCode();
  }

  @Override
  public String toString() {
    return "ApprovalStatement[grant=" + grantId + ", approver=" + approver + ", decision=" + decision.word()
        + ", signedAt=" + signedAt + "]";
  }
}

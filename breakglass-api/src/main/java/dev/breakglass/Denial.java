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
    this.grantId = AccessRequest.requireText("grantId", grantId);
    this.custodian = AccessRequest.requireText("custodian", custodian);
    this.requestDigest = AccessRequest.requireText("requestDigest", requestDigest);
    this.reason = AccessRequest.requireText("reason", reason);
    this.signature = signature;
  }

  /** A denial by {@code custodian} of the request behind {@code grant}. */
  public static Denial of(EmergencyAccessGrant grant, String custodian, String reason) {
    Objects.requireNonNull(grant, "grant");
    return new Denial(grant.id(), custodian, grant.requestDigest(), reason, null);
  }

  /** A denial from its parts, for custodian tools that transport them separately. */
  public static Denial of(String grantId, String custodian, String requestDigest, String reason) {
    return new Denial(grantId, custodian, requestDigest, reason, null);
  }

  /** This denial carrying the custodian's signature over the {@link Decision#DENY} statement. */
  public Denial withSignature(ApprovalSignature signature) {
    return new Denial(grantId, custodian, requestDigest, reason, Objects.requireNonNull(signature, "signature"));
  }

  public String grantId() {
    return grantId;
  }

  public String custodian() {
    return custodian;
  }

  /** The digest of the request the custodian reviewed. */
  public String requestDigest() {
    return requestDigest;
  }

  public String reason() {
    return reason;
  }

  /** The signature, if the denial is signed. */
  public @Nullable ApprovalSignature signature() {
    return signature;
  }

  @Override
  public String toString() {
    return "Denial[grant=" + grantId + ", custodian=" + custodian + (signature != null ? ", signed" : "") + "]";
  }
}

package dev.breakglass;

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
 */
public final class Approval {
  private final String grantId;
  private final String custodian;
  private final String requestDigest;
  private final @Nullable String comment;

  private Approval(String grantId, String custodian, String requestDigest, @Nullable String comment) {
    this.grantId = AccessRequest.requireText("grantId", grantId);
    this.custodian = AccessRequest.requireText("custodian", custodian);
    this.requestDigest = AccessRequest.requireText("requestDigest", requestDigest);
    this.comment = comment;
  }

  /** An approval by {@code custodian} of the request behind {@code grant}, as the custodian saw it. */
  public static Approval of(EmergencyAccessGrant grant, String custodian) {
    Objects.requireNonNull(grant, "grant");
    return new Approval(grant.id(), custodian, grant.requestDigest(), null);
  }

  /** An approval from its parts, for custodian tools that transport them separately. */
  public static Approval of(String grantId, String custodian, String requestDigest, @Nullable String comment) {
    return new Approval(grantId, custodian, requestDigest, comment);
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

  public @Nullable String comment() {
    return comment;
  }

  @Override
  public String toString() {
    return "Approval[grant=" + grantId + ", custodian=" + custodian + "]";
  }
}

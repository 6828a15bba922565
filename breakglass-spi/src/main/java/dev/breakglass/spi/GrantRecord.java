package dev.breakglass.spi;

import dev.breakglass.ApprovalRecord;
import dev.breakglass.GrantStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The stored state of one grant. Immutable; every {@code with...} method returns the next version
 * ({@link #version()} + 1), which a {@link GrantStore} accepts only over the exact version it holds.
 *
 * @param id the grant id
 * @param requester who asked
 * @param account the break-glass account
 * @param reason the reason given (may be empty)
 * @param ticket the ticket, if any
 * @param duration the lifetime once issued
 * @param requestDigest the digest custodians approve
 * @param requestedAt when requested
 * @param approvalsRequired how many approvals are needed
 * @param approvals accepted approvals, in order
 * @param status the stored status (time-based expiry is applied by the engine on read)
 * @param issuedAt when issued, if it was
 * @param expiresAt the absolute expiry, once issued
 * @param endedAt when it reached a terminal status, if it has
 * @param credentialReleased whether the credential has been released
 * @param version optimistic-concurrency version, starting at 0
 */
public record GrantRecord(
    String id,
    String requester,
    String account,
    String reason,
    @Nullable String ticket,
    Duration duration,
    String requestDigest,
    Instant requestedAt,
    int approvalsRequired,
    List<ApprovalRecord> approvals,
    GrantStatus status,
    @Nullable Instant issuedAt,
    @Nullable Instant expiresAt,
    @Nullable Instant endedAt,
    boolean credentialReleased,
    long version) {

  /**
   * Checks the required components and copies {@code approvals} into an unmodifiable list.
   *
   * @param id the grant id
   * @param requester who asked
   * @param account the break-glass account
   * @param reason the reason given
   * @param ticket the ticket, or {@code null}
   * @param duration the lifetime once issued
   * @param requestDigest the digest custodians approve
   * @param requestedAt when requested
   * @param approvalsRequired how many approvals are needed
   * @param approvals accepted approvals, in order
   * @param status the stored status
   * @param issuedAt when issued, or {@code null}
   * @param expiresAt the absolute expiry, or {@code null}
   * @param endedAt when it ended, or {@code null}
   * @param credentialReleased whether the credential has been released
   * @param version optimistic-concurrency version
   * @throws NullPointerException if a required component is null
   */
  public GrantRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(requestDigest, "requestDigest");
    Objects.requireNonNull(requestedAt, "requestedAt");
    approvals = List.copyOf(approvals);
    Objects.requireNonNull(status, "status");
  }

  /**
   * The next version with one more approval.
   *
   * @param approval the approval to append
   * @return the next version; store it with {@link GrantStore#replace}
   */
  public GrantRecord withApproval(ApprovalRecord approval) {
    List<ApprovalRecord> next = new ArrayList<>(approvals);
    next.add(approval);
    return new GrantRecord(id, requester, account, reason, ticket, duration, requestDigest, requestedAt,
        approvalsRequired, next, status, issuedAt, expiresAt, endedAt, credentialReleased, version + 1);
  }

  /**
   * The next version, issued at {@code now} and expiring {@link #duration()} later.
   *
   * @param now the issue time, from the engine's clock
   * @return the next version, {@link GrantStatus#ACTIVE}
   */
  public GrantRecord issued(Instant now) {
    return new GrantRecord(id, requester, account, reason, ticket, duration, requestDigest, requestedAt,
        approvalsRequired, approvals, GrantStatus.ACTIVE, now, now.plus(duration), null, credentialReleased,
        version + 1);
  }

  /**
   * The next version in a terminal status.
   *
   * @param terminal the final status, for example {@link GrantStatus#REVOKED}
   * @param now when it ended, from the engine's clock
   * @return the next version, with {@code endedAt} set
   * @throws IllegalArgumentException if {@code terminal} is not a terminal status
   */
  public GrantRecord ended(GrantStatus terminal, Instant now) {
    if (!terminal.isTerminal()) {
      throw new IllegalArgumentException(terminal + " is not terminal");
    }
    return new GrantRecord(id, requester, account, reason, ticket, duration, requestDigest, requestedAt,
        approvalsRequired, approvals, terminal, issuedAt, expiresAt, now, credentialReleased, version + 1);
  }

  /**
   * The next version with the released flag set as given.
   *
   * @param released whether the credential has been released
   * @return the next version
   */
  public GrantRecord withCredentialReleased(boolean released) {
    return new GrantRecord(id, requester, account, reason, ticket, duration, requestDigest, requestedAt,
        approvalsRequired, approvals, status, issuedAt, expiresAt, endedAt, released, version + 1);
  }

  /**
   * Whether the grant was ever issued.
   *
   * @return {@code true} if {@link #issuedAt()} is set
   */
  public boolean wasIssued() {
    return issuedAt != null;
  }
}

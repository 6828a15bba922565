package dev.breakglass;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One request for emergency access and, once approved, the time-boxed grant it became.
 *
 * <p>A grant is a live handle: {@link #status()} and the other accessors read the current state, so
 * a grant past its {@link #expiresAt()} reports {@link GrantStatus#EXPIRED} at once, whether or not
 * the engine's sweep has run. Implementations are thread-safe.
 *
 * <p>The credential of the account is released at most once per grant ({@link #releaseCredential()}),
 * only while the grant is active, and only after the release is durably audited.
 */
public interface EmergencyAccessGrant {
  /**
   * A unique, unguessable identifier.
   *
   * @return the id to pass to {@link BreakGlass#grant}, {@link BreakGlass#revoke} and the others
   */
  String id();

  /**
   * Who asked.
   *
   * @return the requester of the underlying request
   */
  String requester();

  /**
   * The break-glass account the grant is for.
   *
   * @return the account name
   */
  String account();

  /**
   * The reason given.
   *
   * @return the reason; empty if none
   */
  String reason();

  /**
   * The ticket reference, if any.
   *
   * @return the ticket, or empty
   */
  Optional<String> ticket();

  /**
   * The lifetime the grant has (or will have) once issued.
   *
   * @return the requested duration
   */
  Duration duration();

  /**
   * A hex SHA-256 digest over the request's content (id, requester, account, reason, ticket,
   * duration, requested-at). Custodians approve this exact digest: show it to them and pass it in
   * their {@link Approval}.
   *
   * @return the digest, in hex
   */
  String requestDigest();

  /**
   * When the request was made.
   *
   * @return the request time, by the engine's clock
   */
  Instant requestedAt();

  /**
   * Approvals accepted so far, in order.
   *
   * @return an unmodifiable list; empty if none yet
   */
  List<ApprovalRecord> approvals();

  /**
   * How many distinct custodian approvals the policy requires.
   *
   * @return the required count (0 for none)
   */
  int approvalsRequired();

  /**
   * When the grant was issued.
   *
   * @return the issue time; empty while pending or if it was never issued
   */
  Optional<Instant> issuedAt();

  /**
   * The absolute end of the grant.
   *
   * @return the expiry time; empty until issued
   */
  Optional<Instant> expiresAt();

  /**
   * The current status, computed against the engine's clock.
   *
   * @return the status now; may differ on the next call
   */
  GrantStatus status();

  /**
   * Whether the credential has been released.
   *
   * @return {@code true} once {@link #releaseCredential()} has succeeded
   */
  boolean credentialReleased();

  /**
   * Releases the account's credential, once. The caller owns the returned {@link Credential} and
   * must close it, which wipes it from memory:
   *
   * <pre>{@code
   * try (Credential credential = grant.releaseCredential()) {
   *   connect(grant.account(), credential.secret());
   * }
   * }</pre>
   *
   * @return the credential; close it when done
   * @throws AccessDeniedException with {@link ReasonCode#GRANT_NOT_ACTIVE} or
   *     {@link ReasonCode#ALREADY_RELEASED}
   * @throws AuditUnavailableException if the release could not be audited (nothing is released)
   */
  Credential releaseCredential();

  /**
   * Ends the grant now. Takes effect immediately for every later check and login.
   *
   * @param actor who revokes it (recorded)
   * @param reason why, for the audit trail
   */
  void revoke(String actor, String reason);

  /**
   * Ends the grant now because the work is done.
   *
   * @param actor who closes it (recorded)
   */
  void close(String actor);

  /**
   * Whether this grant belongs to a drill ({@link BreakGlass#requestDrill}). A drill grant goes
   * through the real procedure (request, custodians' approvals, issue) but is never real access:
   * {@link #releaseCredential()} refuses it with {@link ReasonCode#DRILL_GRANT}, and the guard lets
   * no login through it. Its id starts with {@code bg-drill-}, and every audit record and alert about
   * it is marked as a drill.
   *
   * @return {@code false} unless the engine says otherwise
   */
  default boolean isDrill() {
    return false;
  }
}

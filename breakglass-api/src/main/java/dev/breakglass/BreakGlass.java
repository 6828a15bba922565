package dev.breakglass;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The break-glass procedure for one application: emergency state, requests, approvals, grants,
 * credential release, the authentication guard, and the audit trail behind every step.
 *
 * <h2>Build one instance and share it</h2>
 * An instance owns a health monitor, an expiry sweep and open files. Build it once at start-up and
 * close it at shutdown. It is thread-safe; its configuration is immutable once built.
 *
 * <pre>{@code
 * BreakGlass breakGlass = BreakGlass.builder()
 *     .policyFile(Path.of("breakglass-policy.yaml"))
 *     .dataDirectory(Path.of("/var/lib/myapp/breakglass"))
 *     .property("probe.oidc.issuer", "https://login.example.com")
 *     .build();
 * }</pre>
 *
 * <h2>Wrap the login path</h2>
 * While the primary identity provider is healthy, the guard costs one volatile read and passes the
 * call straight through; a break-glass account presented then is refused and raises a critical
 * alert. During an emergency, the credential of an active grant authenticates a principal marked as
 * emergency access.
 *
 * <pre>{@code
 * Authenticator login = breakGlass.guard(myIdpAuthenticator);
 * AuthenticatedPrincipal who = login.authenticate(LoginAttempt.of(user, password));
 * }</pre>
 *
 * <h2>Request, approve, release</h2>
 * <pre>{@code
 * EmergencyAccessGrant grant = breakGlass.requestAccess(request);   // PENDING_APPROVAL or ACTIVE
 * breakGlass.approve(Approval.of(grant, "carol"));                  // by custodians, never the requester
 * try (Credential credential = grant.releaseCredential()) {         // once, audited
 *   ...
 * }
 * }</pre>
 *
 * <p>Every refusal is an {@link AccessDeniedException} (or another {@link BreakGlassException}) with a
 * {@link ReasonCode}. Every step is written to the {@link AuditSink} before it takes effect; if the
 * sink cannot write, the step does not happen.
 */
public interface BreakGlass extends AutoCloseable {

  /**
   * A builder for the engine found on the class path or module path (breakglass-core).
   *
   * @throws ProviderException if no engine is present
   */
  static Builder builder() {
    return BreakGlassFactory.load().newBuilder();
  }

  /**
   * Asks for emergency access. The request is checked against the policy, rate-limited and
   * audited. If the account needs no approvals the returned grant is already {@link GrantStatus#ACTIVE};
   * otherwise it is {@link GrantStatus#PENDING_APPROVAL}.
   *
   * @throws AccessDeniedException with the reason the policy refused the request
   * @throws AuditUnavailableException if the request could not be audited (nothing was recorded)
   */
  EmergencyAccessGrant requestAccess(AccessRequest request);

  /**
   * Records a custodian's approval. When the last required approval arrives the grant is issued.
   *
   * @throws AccessDeniedException for self-approval, a non-custodian, a duplicate, a mismatched
   *     request digest, or an expired request
   */
  EmergencyAccessGrant approve(Approval approval);

  /** A custodian refuses a pending request; it can no longer be approved. */
  EmergencyAccessGrant deny(String grantId, String custodian, String reason);

  /**
   * A custodian refuses a pending request, with the same checks as {@link #approve} for a
   * signature: a denial of an account that requires signatures must carry one.
   *
   * <p>The default implementation handles unsigned denials only, through {@link #deny(String,
   * String, String)}; engines that verify signatures (breakglass-core) override it.
   *
   * @throws AccessDeniedException as {@link #deny(String, String, String)} does, or with a
   *     signature reason ({@link ReasonCode#SIGNATURE_INVALID}, {@link ReasonCode#KEY_NOT_REGISTERED}, ...)
   */
  default EmergencyAccessGrant deny(Denial denial) {
    if (denial.signature() != null) {
      throw new BreakGlassException(ReasonCode.PROVIDER_FAILURE, "this engine does not verify signed denials");
    }
    return deny(denial.grantId(), denial.custodian(), denial.reason());
  }

  /**
   * The registry of custodians' public keys, which signed approvals are verified against.
   *
   * <p>The default implementation throws: engines that keep custodian keys (breakglass-core)
   * override it.
   *
   * @throws BreakGlassException with {@link ReasonCode#PROVIDER_FAILURE} if this engine keeps none
   */
  default CustodianKeys custodianKeys() {
    throw new BreakGlassException(ReasonCode.PROVIDER_FAILURE, "this engine keeps no custodian keys");
  }

  /** Ends a pending or active grant immediately. */
  EmergencyAccessGrant revoke(String grantId, String actor, String reason);

  /** Closes an active grant because the work is done. */
  EmergencyAccessGrant close(String grantId, String actor);

  /** A grant by id. */
  Optional<EmergencyAccessGrant> grant(String grantId);

  /** Grants that are pending or active now. */
  List<EmergencyAccessGrant> openGrants();

  /** Whether the emergency path is open, and why. */
  EmergencyState emergencyState();

  /**
   * Opens the emergency path by hand. Only the policy's incident declarers may do this.
   *
   * @return the incident
   * @throws AccessDeniedException with {@link ReasonCode#NOT_AUTHORIZED} for anyone else
   */
  EmergencyState.Incident declareIncident(String actor, String reason);

  /** Closes the declared incident; the emergency ends unless the primary is still unhealthy. */
  void closeIncident(String actor, String reason);

  /**
   * Runs every health probe of the primary identity provider once now and applies the fall/rise
   * thresholds, exactly as one round of the background monitor does. A host that builds the engine
   * without its own threads (for example {@code BreakGlassEngine.builder().background(false)})
   * calls this on its own schedule; with the background monitor running there is no need to.
   * Probe failures never throw: they count towards opening the emergency path, audited.
   *
   * @throws BreakGlassException with {@link ReasonCode#CLOSED} after {@link #close()}
   */
  void checkHealthNow();

  /**
   * Runs the expiry sweep now: ends grants past their expiry, expires stale requests, and rotates
   * the credentials of ended grants. The engine also runs it on a schedule.
   */
  void sweep();

  /**
   * Checks every pre-staged credential: that it decrypts, and, where its rotator can tell, that it
   * still authenticates at its target. Nothing is released; the check itself is audited, and an
   * unusable credential raises an alert. Drills call this.
   */
  List<CredentialCheck> checkCredentials();

  /**
   * Drills one break-glass account: proves, on a schedule and outside any emergency, that the
   * emergency path would work. A drill
   * <ol>
   *   <li>proves that the pre-staged credential decrypts and authenticates at its target, through
   *       the account's {@code CredentialRotator} (its {@code verify}),
   *   <li>rotates the credential, since a drill has handled it, and
   *   <li>proves the rotated credential at the target again.
   * </ol>
   * Every step is audited as a drill ({@link AuditEventType#DRILL_STARTED},
   * {@link AuditEventType#DRILL_COMPLETED} or {@link AuditEventType#DRILL_FAILED}, each with the
   * details {@code drill=true} and {@code drillId}); a failed drill raises a CRITICAL alert. A drill
   * issues no grant and releases nothing to the caller, so it can never be used as real access,
   * and it does not open the emergency path: during a drill the guard still refuses the account
   * outside an emergency. Run it as the people who would act in an emergency:
   *
   * <pre>{@code
   * DrillResult drill = breakGlass.drill("prod-db-admin", "alice");
   * if (!drill.succeeded()) {
   *   page("break-glass drill failed at " + drill.failedStep() + ": " + drill.detail());
   * }
   * }</pre>
   *
   * <p>Accounts with {@link AccountPolicy#drillEvery()} raise a HIGH
   * {@link AuditEventType#DRILL_OVERDUE} alert when their last successful drill is older than the
   * interval; the engine checks this on its sweep and on {@link #checkHealthNow()}.
   *
   * @param account a break-glass account of the policy
   * @param actor who runs the drill (recorded)
   * @return the outcome; a failed drill is a result, not an exception
   * @throws InvalidRequestException if the account is not in the policy, is ephemeral (nothing is
   *     pre-staged) or has no rotator that can prove it at its target
   * @throws AuditUnavailableException if the drill cannot be audited (nothing is rotated then)
   * @throws BreakGlassException with {@link ReasonCode#CLOSED} after {@link #close()}
   */
  DrillResult drill(String account, String actor);

  /** Wraps the host's authenticator with the break-glass path (see the class documentation). */
  Authenticator guard(Authenticator primary);

  /** The policy in force. */
  BreakGlassPolicy policy();

  /** Stops the monitor and sweep and closes the providers. Idempotent. */
  @Override
  void close();

  /**
   * Configures a {@link BreakGlass}. Everything not set has an embedded default that needs no
   * server: an audit log, an encrypted file vault and grant state under {@link #dataDirectory}, and
   * alerts to the log.
   */
  interface Builder {
    /** The policy, built in code. */
    Builder policy(BreakGlassPolicy policy);

    /** Loads the policy from a YAML ({@code .yaml}, {@code .yml}) or JSON file when {@link #build()} runs. */
    Builder policyFile(Path file);

    /** Where the embedded defaults keep their files. */
    Builder dataDirectory(Path directory);

    /** Replaces the default audit sink. */
    Builder auditSink(AuditSink sink);

    /** The clock for every time decision; default the system UTC clock. */
    Builder clock(Clock clock);

    /**
     * Sets a configuration property: provider selection by name ({@code vault}, {@code grant-store},
     * {@code alert.channels}, {@code probes}, {@code rotator}) and provider settings (for example
     * {@code probe.oidc.issuer}).
     */
    Builder property(String key, String value);

    /**
     * @throws PolicyException if the policy is missing or invalid
     * @throws ProviderException if a named provider is missing or cannot start
     */
    BreakGlass build();
  }
}

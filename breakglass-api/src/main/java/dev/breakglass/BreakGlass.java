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
   * A builder for the engine found on the class path or module path (breakglass-core). Call it once
   * at start-up, configure the builder, and keep the built instance for the life of the application.
   *
   * @return a new, unconfigured builder
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
   * @param request who asks for which account, for how long, and why
   * @return the new grant; keep its {@link EmergencyAccessGrant#id()} to approve, revoke or close it
   * @throws AccessDeniedException with the reason the policy refused the request
   * @throws RateLimitedException (an {@link AccessDeniedException}) if the requester has asked too
   *     often; try again after {@link RateLimitedException#retryAfter()}
   * @throws AuditUnavailableException if the request could not be audited (nothing was recorded)
   */
  EmergencyAccessGrant requestAccess(AccessRequest request);

  /**
   * Records a custodian's approval. When the last required approval arrives the grant is issued.
   *
   * @param approval the custodian's approval, bound to the grant and the digest of its request
   * @return the grant after the approval: still {@link GrantStatus#PENDING_APPROVAL}, or
   *     {@link GrantStatus#ACTIVE} once enough custodians have approved
   * @throws AccessDeniedException for self-approval, a non-custodian, a duplicate, a mismatched
   *     request digest, or an expired request; for a missing signature where the account requires one
   *     ({@link ReasonCode#SIGNATURE_REQUIRED}, see {@link AccountPolicy#approvalSignature()}), or a
   *     signature that does not verify ({@link ReasonCode#KEY_NOT_REGISTERED},
   *     {@link ReasonCode#SIGNATURE_INVALID}, {@link ReasonCode#SIGNATURE_COUNTER_REGRESSED}, ...)
   * @throws AuditUnavailableException if the approval could not be audited (it is not counted)
   */
  EmergencyAccessGrant approve(Approval approval);

  /**
   * A custodian refuses a pending request; it can no longer be approved.
   *
   * @param grantId the id of the pending grant
   * @param custodian the custodian who refuses (recorded)
   * @param reason why, for the audit trail
   * @return the grant, now {@link GrantStatus#DENIED}
   * @throws AccessDeniedException with {@link ReasonCode#GRANT_NOT_FOUND} for an unknown id, or with
   *     the reason the custodian may not deny this request (the refusal is audited)
   * @throws AuditUnavailableException if the denial could not be audited (nothing changed)
   */
  EmergencyAccessGrant deny(String grantId, String custodian, String reason);

  /**
   * A custodian refuses a pending request, with the same checks as {@link #approve} for a
   * signature: a denial of an account that requires signatures must carry one.
   *
   * <p>The default implementation handles unsigned denials only, through {@link #deny(String,
   * String, String)}; engines that verify signatures (breakglass-core) override it.
   *
   * <pre>{@code
   * breakGlass.deny(Denial.of(pendingGrant, "carol", "no incident ticket").withSignature(signature));
   * }</pre>
   *
   * @param denial who refuses which request and why, bound to the request digest and optionally
   *     signed ({@link Denial#withSignature})
   * @return the grant, now {@link GrantStatus#DENIED}
   * @throws BreakGlassException with {@link ReasonCode#PROVIDER_FAILURE} if the denial is signed and
   *     this engine does not verify signatures
   * @throws AuditUnavailableException if the denial could not be audited (nothing changed)
   * @throws AccessDeniedException as {@link #deny(String, String, String)} does; with
   *     {@link ReasonCode#APPROVAL_MISMATCH} if the denial's request digest is not the grant's; or with
   *     a signature reason: {@link ReasonCode#SIGNATURE_REQUIRED} (the account requires a signature and
   *     there is none), {@link ReasonCode#KEY_NOT_REGISTERED}, {@link ReasonCode#SIGNATURE_INVALID},
   *     {@link ReasonCode#SIGNATURE_COUNTER_REGRESSED}, ...
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
   * override it. Register keys through it while the identity provider is healthy, from the host's
   * own, authenticated key-enrolment page.
   *
   * @return the engine's key registry
   * @throws BreakGlassException with {@link ReasonCode#PROVIDER_FAILURE} if this engine keeps none
   */
  default CustodianKeys custodianKeys() {
    throw new BreakGlassException(ReasonCode.PROVIDER_FAILURE, "this engine keeps no custodian keys");
  }

  /**
   * Ends a pending or active grant immediately, for example when access was requested by mistake or
   * misuse is suspected. The requester, the account's custodians and the incident declarers may
   * revoke. The credential of an ended grant is rotated.
   *
   * @param grantId the id of the grant to end
   * @param actor who revokes it (recorded)
   * @param reason why, for the audit trail
   * @return the grant, now {@link GrantStatus#REVOKED}
   * @throws AccessDeniedException with {@link ReasonCode#GRANT_NOT_FOUND} for an unknown id,
   *     {@link ReasonCode#NOT_AUTHORIZED} for anyone else, or {@link ReasonCode#GRANT_NOT_ACTIVE} if
   *     the grant has already ended
   * @throws AuditUnavailableException if the revocation could not be audited (nothing changed)
   */
  EmergencyAccessGrant revoke(String grantId, String actor, String reason);

  /**
   * Closes an active grant because the work is done. Call it as soon as the emergency work ends
   * rather than waiting for expiry; the credential is then rotated. The requester, the account's
   * custodians and the incident declarers may close.
   *
   * @param grantId the id of the grant
   * @param actor who closes it (recorded)
   * @return the grant, now {@link GrantStatus#CLOSED}
   * @throws AccessDeniedException with {@link ReasonCode#GRANT_NOT_FOUND} for an unknown id,
   *     {@link ReasonCode#NOT_AUTHORIZED} for anyone else, or {@link ReasonCode#GRANT_NOT_ACTIVE} if
   *     the grant has already ended
   * @throws AuditUnavailableException if the closing could not be audited (nothing changed)
   */
  EmergencyAccessGrant close(String grantId, String actor);

  /**
   * Looks up a grant by id, in any state.
   *
   * @param grantId the id returned by {@link #requestAccess}
   * @return the grant, or empty if no grant has that id
   */
  Optional<EmergencyAccessGrant> grant(String grantId);

  /**
   * Lists the grants that are pending or active now, for dashboards and on-call reviews.
   *
   * @return the open grants (a snapshot; empty if there are none)
   */
  List<EmergencyAccessGrant> openGrants();

  /**
   * Tells whether the emergency path is open, and why.
   *
   * @return the current state: primary health and any declared incident
   */
  EmergencyState emergencyState();

  /**
   * Opens the emergency path by hand. Only the policy's incident declarers may do this.
   *
   * @param actor who declares the incident; must be one of {@link BreakGlassPolicy#incidentDeclarers()}
   * @param reason why, for the audit trail
   * @return the incident
   * @throws AccessDeniedException with {@link ReasonCode#NOT_AUTHORIZED} for anyone else
   */
  EmergencyState.Incident declareIncident(String actor, String reason);

  /**
   * Closes the declared incident; the emergency ends unless the primary is still unhealthy. Does
   * nothing if no incident is open.
   *
   * @param actor who closes the incident; must be one of {@link BreakGlassPolicy#incidentDeclarers()}
   * @param reason why, for the audit trail
   * @throws AccessDeniedException with {@link ReasonCode#NOT_AUTHORIZED} for anyone else (the
   *     attempt is audited)
   */
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
   *
   * @return one check per pre-staged account; inspect {@link CredentialCheck#usable()}
   */
  List<CredentialCheck> checkCredentials();

  /**
   * Files a drill: the real procedure for one break-glass account, rehearsed on a normal day. The
   * request is checked by the same rules as {@link #requestAccess} (requester, reason, ticket,
   * identification, duration, rate limit, account free and not tainted), except that no emergency
   * is needed, and it is refused while an emergency is open (the account must stay free for real
   * use). The account's custodians then approve the returned grant with {@link #approve}, exactly
   * as they would a real request (attached shares unseal a custodian-sealed vault; signatures are
   * checked as {@link AccountPolicy#approvalSignature()} asks), and someone
   * finishes it with {@link #completeDrill}.
   *
   * <pre>{@code
   * EmergencyAccessGrant drill = breakGlass.requestDrill(AccessRequest.builder()
   *     .requester("alice").account("prod-db-admin").reason("quarterly drill").ticket("DRILL-2026-Q4")
   *     .identification("hardware-key", "yubikey-5170").duration(Duration.ofMinutes(15)).build());
   * breakGlass.approve(Approval.of(drill, "carol"));      // the real custodians, from their tools
   * breakGlass.approve(Approval.of(drill, "dave"));
   * DrillResult result = breakGlass.completeDrill(drill.id(), "alice");
   * }</pre>
   *
   * <p>A drill grant is marked everywhere: its id starts with {@code bg-drill-}
   * ({@link EmergencyAccessGrant#isDrill()}), every audit record about it carries the details
   * {@code drill=true} and {@code drillId}, and every alert summary starts with {@code [DRILL]}. It
   * can never be used as real access: {@link EmergencyAccessGrant#releaseCredential()} and the
   * guard refuse it with {@link ReasonCode#DRILL_GRANT}.
   *
   * <p>A drill that ends any other way than through {@link #completeDrill} fails: denied or expired
   * before its approvals were complete (step {@code approval}), or approved and then revoked, closed
   * or expired before its completion (step {@code complete}; the account is rotated as after any
   * grant). Each records one {@link AuditEventType#DRILL_FAILED} with a CRITICAL alert.
   *
   * @param request the drill request, under every rule of the account's policy (requester, reason,
   *     ticket, identification, duration) except the emergency
   * @return the drill's grant, {@link GrantStatus#PENDING_APPROVAL} (or already active if the
   *     account needs no approvals); its {@link EmergencyAccessGrant#id()} is the drill's id
   * @throws InvalidRequestException if the account is ephemeral, has no rotator that can prove its
   *     credential at the target, or an emergency is open (nothing is audited then)
   * @throws AccessDeniedException if the policy refuses the request (audited, and the drill is
   *     recorded as failed at the step {@code request})
   * @throws BreakGlassException with {@link ReasonCode#CLOSED} after {@link #close()}
   */
  EmergencyAccessGrant requestDrill(AccessRequest request);

  /**
   * Finishes an approved drill ({@link #requestDrill}) through the rest of the real procedure:
   * <ol>
   *   <li>the credential is released for the drill grant, audited like any release (after a
   *       confirmed alert where the policy asks for one), and handed to nobody;
   *   <li>it is proven at its target through the account's {@code CredentialRotator} (its
   *       {@code verify}: for PostgreSQL a real login as the role);
   *   <li>the grant is closed and the credential rotated, as after every grant, and the rotated
   *       credential is proven again.
   * </ol>
   * A step that fails makes a failed drill (a CRITICAL {@link AuditEventType#DRILL_FAILED} alert);
   * whatever was released is still closed and rotated. The outcome is recorded as
   * {@link AuditEventType#DRILL_COMPLETED} or {@link AuditEventType#DRILL_FAILED}, and the
   * embedded audit log signs a checkpoint right after it, so the drill's records can be proven
   * (the evidence pack of {@code dev.breakglass.core.evidence.DrillEvidence} in breakglass-core).
   *
   * @param grantId the drill grant from {@link #requestDrill}
   * @param actor who finishes it: the requester, a custodian of the account or an incident declarer
   * @return the outcome; a failed drill is a result, not an exception
   * @throws InvalidRequestException if {@code grantId} is not a drill grant
   * @throws AccessDeniedException with {@link ReasonCode#GRANT_NOT_FOUND}, {@link ReasonCode#NOT_AUTHORIZED}
   *     or {@link ReasonCode#GRANT_NOT_ACTIVE} (still waiting for approvals, or already ended)
   * @throws BreakGlassException with {@link ReasonCode#CLOSED} after {@link #close()}
   */
  DrillResult completeDrill(String grantId, String actor);

  /**
   * Drills an account that needs no custodian approvals in one call: {@link #requestDrill} as
   * {@code actor} (reason "scheduled drill", the account's maximum duration up to 15 minutes), then
   * {@link #completeDrill}. An account whose policy asks for approvals, a ticket or identification
   * is drilled with those two methods, so that its custodians approve it for real.
   *
   * <pre>{@code
   * DrillResult drill = breakGlass.drill("app-admin", "alice");
   * if (!drill.succeeded()) {
   *   page("break-glass drill failed at " + drill.failedStep() + ": " + drill.detail());
   * }
   * }</pre>
   *
   * <p>Accounts with {@link AccountPolicy#drillEvery()} raise a HIGH
   * {@link AuditEventType#DRILL_OVERDUE} alert when their last successful drill is older than the
   * interval; the engine checks this on its sweep and on {@link #checkHealthNow()}. The last
   * successful drill of each account is read back from the audit log when the engine starts.
   *
   * @param account a break-glass account of the policy
   * @param actor who runs the drill (its requester; recorded)
   * @return the outcome; a failed drill is a result, not an exception
   * @throws InvalidRequestException if the account is not in the policy, needs approvals, is
   *     ephemeral (nothing is pre-staged), has no rotator that can prove it at its target, or an
   *     emergency is open
   * @throws AccessDeniedException if the policy refuses the drill request
   * @throws AuditUnavailableException if the drill cannot be audited
   * @throws BreakGlassException with {@link ReasonCode#CLOSED} after {@link #close()}
   */
  DrillResult drill(String account, String actor);

  /**
   * Wraps the host's authenticator with the break-glass path (see the class documentation). Call it
   * once and use the returned authenticator wherever the host authenticates users.
   *
   * @param primary the host's normal authenticator, used for everyone while the primary is healthy
   * @return an authenticator that also accepts break-glass credentials of active grants during an
   *     emergency
   */
  Authenticator guard(Authenticator primary);

  /**
   * The policy in force.
   *
   * @return the immutable policy this instance was built with
   */
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
    /**
     * The policy, built in code. Use either this or {@link #policyFile}.
     *
     * @param policy the policy to enforce
     * @return this builder
     */
    Builder policy(BreakGlassPolicy policy);

    /**
     * Loads the policy from a YAML ({@code .yaml}, {@code .yml}) or JSON file when {@link #build()} runs.
     *
     * @param file the policy file
     * @return this builder
     */
    Builder policyFile(Path file);

    /**
     * Where the embedded defaults keep their files (audit log, vault, grant state). Give each
     * application its own directory, on a disk that survives restarts.
     *
     * @param directory the directory; created owner-only if it does not exist
     * @return this builder
     */
    Builder dataDirectory(Path directory);

    /**
     * Replaces the default audit sink.
     *
     * @param sink where every audit event is written before it takes effect
     * @return this builder
     */
    Builder auditSink(AuditSink sink);

    /**
     * The clock for every time decision; default the system UTC clock. Tests pass a clock they control.
     *
     * @param clock the clock
     * @return this builder
     */
    Builder clock(Clock clock);

    /**
     * Sets a configuration property: provider selection by name ({@code vault}, {@code grant-store},
     * {@code alert.channels}, {@code probes}, {@code rotators}, {@code witness}; lists are
     * comma-separated) and provider settings under {@code <kind>.<name>.} (for example
     * {@code probe.oidc.issuer} or {@code vault.file.path}).
     *
     * <pre>{@code
     * builder.property("probes", "oidc")
     *        .property("probe.oidc.issuer", "https://login.example.com");
     * }</pre>
     *
     * @param key the property name
     * @param value its value; a later call with the same key replaces it
     * @return this builder
     */
    Builder property(String key, String value);

    /**
     * Builds the engine: loads and validates the policy, starts the providers and, unless disabled,
     * the background health monitor and expiry sweep.
     *
     * @return a running instance; close it at shutdown
     * @throws PolicyException if the policy is missing or invalid
     * @throws ProviderException if a named provider is missing or cannot start
     */
    BreakGlass build();
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.AuditSink;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.CredentialCheck;
import dev.breakglass.CustodianKeys;
import dev.breakglass.Denial;
import dev.breakglass.DrillResult;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.EmergencyState;
import dev.breakglass.GrantStatus;
import dev.breakglass.LoginAttempt;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.alert.AlertDispatcher;
import dev.breakglass.core.approval.SignatureVerifiers;
import dev.breakglass.core.audit.Fingerprinter;
import dev.breakglass.core.retry.Backoff;
import dev.breakglass.core.rotation.EphemeralCredentials;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.WorkerLease;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The break-glass engine: a facade over its {@link EngineParts} that starts them and hands each
 * call to the one that does it. {@link RequestRules} and {@link ApprovalRules} decide;
 * {@link GrantLifecycle} carries out requests, approvals and endings; {@link GrantStateMachine} is
 * the only writer of grants (audit, then compare-and-set, then alert, over the
 * {@link GrantTransition} table); {@link CredentialRelease} releases credentials and checks
 * emergency logins; {@link RotationScheduler} rotates tainted accounts; {@link FreshnessChecks}
 * tests the pre-staged credentials; {@link EmergencyMonitor} decides whether the emergency path is
 * open; {@link EngineBackground} runs the background work. Thread-safe.
 */
public final class Engine implements BreakGlass {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  /**
   * Everything the engine needs, already built. {@code owned} lists what {@link #close()} closes.
   */
  public record Config(
      BreakGlassPolicy policy,
      Clock clock,
      AuditSink audit,
      GrantStore store,
      CredentialVault vault,
      List<CredentialRotator> rotators,
      AlertDispatcher alerts,
      List<HealthProbe> probes,
      int fallThreshold,
      int riseThreshold,
      Duration healthCheckInterval,
      Duration sweepInterval,
      Fingerprinter fingerprinter,
      boolean background,
      Backoff rotationBackoff,
      EphemeralCredentials ephemeral,
      List<AutoCloseable> owned,
      int passiveFallThreshold,
      Duration passiveWindow,
      CustodianKeyStore custodianKeyStore,
      SignatureVerifiers signatureVerifiers,
      WorkerLease lease) {}

  private final Config config;
  private final EngineParts parts;
  private final EngineBackground background;
  private volatile boolean closed;

  public Engine(Config config) {
    this.config = config;
    this.background = new EngineBackground(config.lease());
    this.parts = new EngineParts(config);
    // Start rules first: the store is cross-checked against the audit log before any operation.
    parts.runs.start();
    parts.monitor.restore();
    // Another instance's incident reaches this one as soon as the store can tell, else at the next sweep.
    config.store().watchIncident(this::followIncidentQuietly);
    // The state is known when build() returns: no NOT_IN_EMERGENCY only because nothing was checked yet.
    parts.monitor.firstRound();
    // What expired or timed out while the process was down ends now, with or without background threads.
    EngineBackground.quietly("start-up sweep failed", true, parts.lifecycle::sweep);
    background.start(config, parts.monitor::checkNow, this::sweepQuietly);
  }

  // ---------------------------------------------------------------- requests and approvals

  @Override
  public EmergencyAccessGrant requestAccess(AccessRequest request) {
    Objects.requireNonNull(request, "request");
    ensureOpen();
    return EngineOperation.run(() -> handle(parts.lifecycle.request(request)));
  }

  @Override
  public EmergencyAccessGrant approve(Approval approval) {
    Objects.requireNonNull(approval, "approval");
    try {
      ensureOpen();
      return EngineOperation.run(() -> handle(parts.lifecycle.approve(approval)));
    } finally {
      approval.wipeShare();
    }
  }

  @Override
  public EmergencyAccessGrant deny(String grantId, String custodian, String reason) {
    String checkedReason = Inputs.reason(reason);
    ensureOpen();
    String checkedGrantId = Inputs.grantId(grantId);
    String checkedCustodian = Inputs.name("custodian", custodian);
    // An unknown grant is refused (and audited) by the lifecycle; its digest is then never compared.
    String digest = parts.grants.find(checkedGrantId).map(GrantRecord::requestDigest).orElse("unknown");
    return deny(Denial.of(checkedGrantId, checkedCustodian, digest, checkedReason));
  }

  @Override
  public EmergencyAccessGrant deny(Denial denial) {
    Objects.requireNonNull(denial, "denial");
    ensureOpen();
    return EngineOperation.run(() -> handle(parts.lifecycle.deny(denial)));
  }

  @Override
  public CustodianKeys custodianKeys() {
    ensureOpen();
    return parts.custodianKeys;
  }

  @Override
  public EmergencyAccessGrant revoke(String grantId, String actor, String reason) {
    String checkedReason = Inputs.reason(reason);
    ensureOpen();
    String checkedGrantId = Inputs.grantId(grantId);
    String checkedActor = Inputs.name("actor", actor);
    return EngineOperation.run(() -> handle(
        parts.lifecycle.end(checkedGrantId, checkedActor, checkedReason, GrantStatus.REVOKED)));
  }

  @Override
  public EmergencyAccessGrant close(String grantId, String actor) {
    ensureOpen();
    String checkedGrantId = Inputs.grantId(grantId);
    String checkedActor = Inputs.name("actor", actor);
    return EngineOperation.run(() -> handle(
        parts.lifecycle.end(checkedGrantId, checkedActor, "closed", GrantStatus.CLOSED)));
  }

  Credential release(String grantId) {
    ensureOpen();
    return EngineOperation.run(() -> parts.release.release(grantId));
  }

  // ---------------------------------------------------------------- sweep, rotation, freshness

  @Override
  public void sweep() {
    ensureOpen();
    EngineOperation.run(() -> {
      // An incident declared or closed by another instance sharing the store is followed here first.
      parts.monitor.followStoredIncident();
      config.ephemeral().purgeExpired();
      parts.logins.sweep();
      // The work every instance sharing the store would otherwise do at once: one lease holder does it.
      if (background.holdsLease()) {
        parts.lifecycle.sweep();
        parts.throttles.purge(config.clock().instant());
        parts.rotation.rotateDue(config.policy().accounts().keySet());
        parts.drills.checkOverdue();
      }
    });
  }

  private void followIncidentQuietly() {
    if (!closed) {
      EngineBackground.quietly("could not follow the stored incident now (the next sweep retries)", false,
          parts.monitor::followStoredIncident);
    }
  }

  private void sweepQuietly() {
    if (!closed) {
      EngineBackground.quietly("expiry sweep failed", true, this::sweep);
    }
  }

  /** Rotates a tainted account's credential now (see {@link RotationScheduler#rotate}). */
  void rotate(String account) {
    parts.rotation.rotate(account);
  }

  @Override
  public List<CredentialCheck> checkCredentials() {
    ensureOpen();
    return parts.drills.withLastDrill(parts.freshness.checkAll());
  }

  @Override
  public EmergencyAccessGrant requestDrill(AccessRequest request) {
    Objects.requireNonNull(request, "request");
    ensureOpen();
    return EngineOperation.run(() -> handle(parts.drills.request(request)));
  }

  @Override
  public DrillResult completeDrill(String grantId, String actor) {
    Objects.requireNonNull(grantId, "grantId");
    Objects.requireNonNull(actor, "actor");
    ensureOpen();
    return EngineOperation.run(() -> parts.drills.complete(grantId, actor));
  }

  @Override
  public DrillResult drill(String account, String actor) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(actor, "actor");
    ensureOpen();
    String checkedAccount = Inputs.name("account", account);
    String checkedActor = Inputs.name("actor", actor);
    return EngineOperation.run(() -> parts.drills.drill(checkedAccount, checkedActor));
  }

  /** The accounts whose drill is overdue now; raises their HIGH alert once (see {@link Drills}). */
  List<String> checkDrillsNow() {
    return parts.drills.checkOverdue();
  }

  // ---------------------------------------------------------------- guard

  @Override
  public Authenticator guard(Authenticator primary) {
    return new Guard(primary, this, parts.monitor);
  }

  boolean isBreakGlassAccount(String username) {
    return parts.logins.account(username) != null;
  }

  /**
   * A break-glass account that the primary rejected while the primary is healthy and no incident is
   * declared: recorded (see {@link EmergencyLogins}); returns what the caller gets, the primary's answer.
   */
  RuntimeException useOutsideEmergency(LoginAttempt attempt, RuntimeException primaryAnswer) {
    ensureOpen();
    return EngineOperation.run(() -> parts.logins.outsideEmergency(attempt, primaryAnswer));
  }

  /**
   * Authenticates a break-glass account through its active grant, or refuses with one answer
   * whatever the reason (see {@link EmergencyLogins}).
   *
   * @param primaryAnswer the primary's infrastructure failure if the guard came here because of it
   */
  AuthenticatedPrincipal emergencyLogin(LoginAttempt attempt, @Nullable RuntimeException primaryAnswer) {
    ensureOpen();
    GrantRecord grant = EngineOperation.run(() -> parts.logins.login(attempt, primaryAnswer));
    return AuthenticatedPrincipal.emergency(grant.account(), handle(grant));
  }

  // ---------------------------------------------------------------- state and queries

  @Override
  public Optional<EmergencyAccessGrant> grant(String grantId) {
    return parts.grants.find(grantId).map(this::handle);
  }

  @Override
  public List<EmergencyAccessGrant> openGrants() {
    List<EmergencyAccessGrant> out = new ArrayList<>();
    for (GrantRecord r : parts.grants.openGrants()) {
      if (!parts.rules.status(r).isTerminal()) {
        out.add(handle(r));
      }
    }
    return out;
  }

  @Override
  public EmergencyState emergencyState() {
    return parts.monitor.state();
  }

  @Override
  public EmergencyState.Incident declareIncident(String actor, String reason) {
    String checkedReason = Inputs.reason(reason);
    ensureOpen();
    String checkedActor = Inputs.name("actor", actor);
    return EngineOperation.run(() -> parts.monitor.declare(checkedActor, checkedReason));
  }

  @Override
  public void closeIncident(String actor, String reason) {
    String checkedReason = Inputs.reason(reason);
    ensureOpen();
    String checkedActor = Inputs.name("actor", actor);
    EngineOperation.run(() -> parts.monitor.closeIncident(checkedActor, checkedReason));
  }

  @Override
  public void checkHealthNow() {
    ensureOpen();
    parts.monitor.checkNow();
    parts.drills.checkOverdue();
  }

  @Override
  public BreakGlassPolicy policy() {
    return config.policy();
  }

  GrantRecord current(String grantId) {
    return parts.grants.find(grantId).orElseThrow(() -> new AccessDeniedException(ReasonCode.GRANT_NOT_FOUND,
        "no grant " + grantId, grantId));
  }

  GrantStatus effectiveStatus(GrantRecord rec) {
    return parts.rules.status(rec);
  }

  private EmergencyAccessGrant handle(GrantRecord rec) {
    return new GrantHandle(this, rec);
  }

  private void ensureOpen() {
    if (closed) {
      throw new BreakGlassException(ReasonCode.CLOSED, "this BreakGlass instance has been closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    parts.logins.close();
    parts.release.forgetAll();
    background.stop();
    parts.rotation.close();
    parts.runs.stop();
    List<AutoCloseable> owned = new ArrayList<>(config.owned());
    Collections.reverse(owned);
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}

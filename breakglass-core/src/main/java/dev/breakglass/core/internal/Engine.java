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
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The break-glass engine: a facade that wires the parts and hands each call to the one that does
 * it. {@link RequestRules} and {@link ApprovalRules} decide; {@link GrantLifecycle} carries out
 * requests, approvals and endings; {@link GrantStateMachine} is the only writer of grants (audit,
 * then compare-and-set, then alert, over the {@link GrantTransition} table); {@link CredentialRelease}
 * releases credentials and checks emergency logins; {@link RotationScheduler} rotates tainted
 * accounts; {@link FreshnessChecks} tests the pre-staged credentials; {@link EmergencyMonitor}
 * decides whether the emergency path is open. Thread-safe.
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
  private final BreakGlassPolicy policy;
  private final GrantRules rules;
  private final GrantStateMachine grants;
  private final EmergencyMonitor monitor;
  private final GrantLifecycle lifecycle;
  private final CredentialRelease release;
  private final RotationScheduler rotation;
  private final FreshnessChecks freshness;
  private final Drills drills;
  private final CustodianKeyService custodianKeys;
  private final EngineRuns runs;
  private final ThrottleLedger throttles;
  private final EmergencyLogins logins;
  private final EngineBackground background;
  private volatile boolean closed;

  public Engine(Config config) {
    this.config = config;
    this.policy = config.policy();
    this.background = new EngineBackground(config.lease());
    Clock clock = config.clock();
    Recorder recorder = new Recorder(config.audit(), config.alerts(), clock,
        new AuditDetails.Protection(config.fingerprinter(), configuredNames(config)));
    this.rules = new GrantRules(policy, clock);
    this.grants = new GrantStateMachine(config.store(), recorder, rules);
    AccountLedger accounts = new AccountLedger(config.store());
    this.throttles = new ThrottleLedger(config.store());
    this.monitor = new EmergencyMonitor(config.probes(), config.fallThreshold(), config.riseThreshold(),
        config.passiveFallThreshold(), config.passiveWindow(), recorder, policy.incidentDeclarers(),
        this::emergencyEnded, config.store());
    this.release = new CredentialRelease(grants, rules, recorder, monitor, config.vault(), config.ephemeral());
    this.logins = new EmergencyLogins(policy, grants, rules, accounts, recorder, monitor, release,
        new LoginThrottle(LoginThrottle.Limits.PER_ACCOUNT, LoginThrottle.Limits.PER_CLIENT, clock, throttles));
    ExecutorService rotationThread = config.background()
        ? Executors.newSingleThreadExecutor(EngineBackground.daemon("breakglass-rotation")) : null;
    this.rotation = new RotationScheduler(accounts, config.vault(), config.rotators(), recorder, clock,
        config.rotationBackoff(), rotationThread);
    this.freshness = new FreshnessChecks(policy, config.vault(), rotation, recorder);
    this.custodianKeys = new CustodianKeyService(policy, config.custodianKeyStore(), recorder, monitor::isEmergency);
    this.lifecycle = new GrantLifecycle(grants, rules, accounts, recorder, monitor,
        new RequestRateLimiter(policy.rateLimit(), clock, throttles), release, rotation, config.ephemeral(),
        new SignedDecisions(config.custodianKeyStore(), custodianKeys, config.signatureVerifiers()));
    this.drills = new Drills(policy, lifecycle, grants, rules, release, rotation, freshness, monitor, recorder);
    // Start rules first: the store is cross-checked against the audit log before any operation.
    this.runs = new EngineRuns(config.store(), recorder, config.audit());
    runs.start();
    monitor.restore();
    // Another instance's incident reaches this one as soon as the store can tell, else at the next sweep.
    config.store().watchIncident(this::followIncidentQuietly);
    // The state is known when build() returns: no NOT_IN_EMERGENCY only because nothing was checked yet.
    monitor.firstRound();
    // What expired or timed out while the process was down ends now, with or without background threads.
    EngineBackground.quietly("start-up sweep failed", true, lifecycle::sweep);
    background.start(config, monitor::checkNow, this::sweepQuietly);
  }

  private void emergencyEnded(EmergencyState state) {
    lifecycle.emergencyEnded();
  }

  /** Audit detail keys that name configured things (accounts, probes): their values are outcomes. */
  private static Set<String> configuredNames(Config config) {
    Set<String> names = new HashSet<>(config.policy().accounts().keySet());
    config.probes().forEach(p -> names.add(p.name()));
    return names;
  }

  // ---------------------------------------------------------------- requests and approvals

  @Override
  public EmergencyAccessGrant requestAccess(AccessRequest request) {
    Objects.requireNonNull(request, "request");
    ensureOpen();
    return EngineOperation.run(() -> handle(lifecycle.request(request)));
  }

  @Override
  public EmergencyAccessGrant approve(Approval approval) {
    Objects.requireNonNull(approval, "approval");
    try {
      ensureOpen();
      return EngineOperation.run(() -> handle(lifecycle.approve(approval)));
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
    String digest = grants.find(checkedGrantId).map(GrantRecord::requestDigest).orElse("unknown");
    return deny(Denial.of(checkedGrantId, checkedCustodian, digest, checkedReason));
  }

  @Override
  public EmergencyAccessGrant deny(Denial denial) {
    Objects.requireNonNull(denial, "denial");
    ensureOpen();
    return EngineOperation.run(() -> handle(lifecycle.deny(denial)));
  }

  @Override
  public CustodianKeys custodianKeys() {
    ensureOpen();
    return custodianKeys;
  }

  @Override
  public EmergencyAccessGrant revoke(String grantId, String actor, String reason) {
    String checkedReason = Inputs.reason(reason);
    ensureOpen();
    String checkedGrantId = Inputs.grantId(grantId);
    String checkedActor = Inputs.name("actor", actor);
    return EngineOperation.run(() -> handle(lifecycle.end(checkedGrantId, checkedActor, checkedReason, GrantStatus.REVOKED)));
  }

  @Override
  public EmergencyAccessGrant close(String grantId, String actor) {
    ensureOpen();
    String checkedGrantId = Inputs.grantId(grantId);
    String checkedActor = Inputs.name("actor", actor);
    return EngineOperation.run(() -> handle(lifecycle.end(checkedGrantId, checkedActor, "closed", GrantStatus.CLOSED)));
  }

  Credential release(String grantId) {
    ensureOpen();
    return EngineOperation.run(() -> release.release(grantId));
  }

  // ---------------------------------------------------------------- sweep, rotation, freshness

  @Override
  public void sweep() {
    ensureOpen();
    EngineOperation.run(() -> {
      // An incident declared or closed by another instance sharing the store is followed here first.
      monitor.followStoredIncident();
      config.ephemeral().purgeExpired();
      logins.sweep();
      // The work every instance sharing the store would otherwise do at once: one lease holder does it.
      if (background.holdsLease()) {
        lifecycle.sweep();
        throttles.purge(config.clock().instant());
        rotation.rotateDue(policy.accounts().keySet());
        drills.checkOverdue();
      }
    });
  }

  private void followIncidentQuietly() {
    if (!closed) {
      EngineBackground.quietly("could not follow the stored incident now (the next sweep retries)", false,
          monitor::followStoredIncident);
    }
  }

  private void sweepQuietly() {
    if (!closed) {
      EngineBackground.quietly("expiry sweep failed", true, this::sweep);
    }
  }

  /** Rotates a tainted account's credential now (see {@link RotationScheduler#rotate}). */
  void rotate(String account) {
    rotation.rotate(account);
  }

  @Override
  public List<CredentialCheck> checkCredentials() {
    ensureOpen();
    return drills.withLastDrill(freshness.checkAll());
  }

  @Override
  public EmergencyAccessGrant requestDrill(AccessRequest request) {
    Objects.requireNonNull(request, "request");
    ensureOpen();
    return EngineOperation.run(() -> handle(drills.request(request)));
  }

  @Override
  public DrillResult completeDrill(String grantId, String actor) {
    Objects.requireNonNull(grantId, "grantId");
    Objects.requireNonNull(actor, "actor");
    ensureOpen();
    return EngineOperation.run(() -> drills.complete(grantId, actor));
  }

  @Override
  public DrillResult drill(String account, String actor) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(actor, "actor");
    ensureOpen();
    String checkedAccount = Inputs.name("account", account);
    String checkedActor = Inputs.name("actor", actor);
    return EngineOperation.run(() -> drills.drill(checkedAccount, checkedActor));
  }

  /** The accounts whose drill is overdue now; raises their HIGH alert once (see {@link Drills}). */
  List<String> checkDrillsNow() {
    return drills.checkOverdue();
  }

  // ---------------------------------------------------------------- guard

  @Override
  public Authenticator guard(Authenticator primary) {
    return new Guard(primary, this, monitor);
  }

  boolean isBreakGlassAccount(String username) {
    return logins.account(username) != null;
  }

  /**
   * A break-glass account that the primary rejected while the primary is healthy and no incident is
   * declared: recorded (see {@link EmergencyLogins}); returns what the caller gets, the primary's answer.
   */
  RuntimeException useOutsideEmergency(LoginAttempt attempt, RuntimeException primaryAnswer) {
    ensureOpen();
    return EngineOperation.run(() -> logins.outsideEmergency(attempt, primaryAnswer));
  }

  /**
   * Authenticates a break-glass account through its active grant, or refuses with one answer
   * whatever the reason (see {@link EmergencyLogins}).
   *
   * @param primaryAnswer the primary's infrastructure failure if the guard came here because of it
   */
  AuthenticatedPrincipal emergencyLogin(LoginAttempt attempt, @Nullable RuntimeException primaryAnswer) {
    ensureOpen();
    GrantRecord grant = EngineOperation.run(() -> logins.login(attempt, primaryAnswer));
    return AuthenticatedPrincipal.emergency(grant.account(), handle(grant));
  }

  // ---------------------------------------------------------------- state and queries

  @Override
  public Optional<EmergencyAccessGrant> grant(String grantId) {
    return grants.find(grantId).map(this::handle);
  }

  @Override
  public List<EmergencyAccessGrant> openGrants() {
    List<EmergencyAccessGrant> out = new ArrayList<>();
    for (GrantRecord r : grants.openGrants()) {
      if (!rules.status(r).isTerminal()) {
        out.add(handle(r));
      }
    }
    return out;
  }

  @Override
  public EmergencyState emergencyState() {
    return monitor.state();
  }

  @Override
  public EmergencyState.Incident declareIncident(String actor, String reason) {
    String checkedReason = Inputs.reason(reason);
    ensureOpen();
    String checkedActor = Inputs.name("actor", actor);
    return EngineOperation.run(() -> monitor.declare(checkedActor, checkedReason));
  }

  @Override
  public void closeIncident(String actor, String reason) {
    String checkedReason = Inputs.reason(reason);
    ensureOpen();
    String checkedActor = Inputs.name("actor", actor);
    EngineOperation.run(() -> monitor.closeIncident(checkedActor, checkedReason));
  }

  @Override
  public void checkHealthNow() {
    ensureOpen();
    monitor.checkNow();
    drills.checkOverdue();
  }

  @Override
  public BreakGlassPolicy policy() {
    return policy;
  }

  GrantRecord current(String grantId) {
    return grants.find(grantId).orElseThrow(() -> new AccessDeniedException(ReasonCode.GRANT_NOT_FOUND,
        "no grant " + grantId, grantId));
  }

  GrantStatus effectiveStatus(GrantRecord rec) {
    return rules.status(rec);
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
    logins.close();
    release.forgetAll();
    background.stop();
    rotation.close();
    runs.stop();
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

package dev.breakglass.core.internal;

import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.EmergencyState;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The parts of one engine, wired from its {@link Engine.Config}: each built once, in an order where
 * every part exists before the parts that use it. Building starts nothing: the engine starts the
 * parts that need it ({@link EngineRuns#start()}, the {@link EmergencyMonitor}) in its own order.
 */
final class EngineParts {
  final GrantRules rules;
  final GrantStateMachine grants;
  final ThrottleLedger throttles;
  final EmergencyMonitor monitor;
  final CredentialRelease release;
  final EmergencyLogins logins;
  final RotationScheduler rotation;
  final FreshnessChecks freshness;
  final CustodianKeyService custodianKeys;
  final GrantLifecycle lifecycle;
  final Drills drills;
  final EngineRuns runs;

  EngineParts(Engine.Config config) {
    BreakGlassPolicy policy = config.policy();
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
    this.runs = new EngineRuns(config.store(), recorder, config.audit());
  }

  /** The monitor is built before the lifecycle it tells, so it calls back through here once both exist. */
  private void emergencyEnded(EmergencyState state) {
    lifecycle.emergencyEnded();
  }

  /** Audit detail keys that name configured things (accounts, probes): their values are outcomes. */
  private static Set<String> configuredNames(Engine.Config config) {
    Set<String> names = new HashSet<>(config.policy().accounts().keySet());
    config.probes().forEach(p -> names.add(p.name()));
    return names;
  }
}

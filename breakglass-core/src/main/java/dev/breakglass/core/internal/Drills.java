package dev.breakglass.core.internal;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.BreakGlassException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.CredentialCheck;
import dev.breakglass.DrillResult;
import dev.breakglass.GrantStatus;
import dev.breakglass.InvalidRequestException;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.GrantRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Drills: the real procedure rehearsed on a normal day. A drill is a request filed as a drill
 * ({@link GrantLifecycle#request(AccessRequest, String)}: every rule but the emergency), approved by
 * the account's custodians like any request, then completed here: the credential released for the
 * drill grant ({@link CredentialRelease#releaseForDrill}), proven at its target through the rotator,
 * the grant closed, the credential rotated ({@link RotationScheduler#rotateNow}) and proven again.
 * The drill grant's id marks it ({@link DrillGrants}); the {@link Recorder} marks every record and
 * alert about it; release and login refuse it as real access.
 *
 * <p>Each account's last successful drill comes from the audit log ({@link DrillHistory}, read on
 * first use) and from the drills this process ran; until an account has passed a drill, its interval
 * counts from the log's first record. Thread-safe: one completion per account at a time.
 */
final class Drills {
  /** The grant duration of a one-call drill, capped by the account's maximum. */
  private static final Duration ONE_CALL_DURATION = Duration.ofMinutes(15);

  private final BreakGlassPolicy policy;
  private final GrantLifecycle lifecycle;
  private final GrantStateMachine grants;
  private final GrantRules rules;
  private final CredentialRelease release;
  private final RotationScheduler rotation;
  private final FreshnessChecks freshness;
  private final EmergencyMonitor monitor;
  private final Recorder recorder;
  private final Clock clock;
  private final Instant started;
  private final DrillHistory.Source historySource;
  private volatile @Nullable Instant since;
  private final Map<String, Instant> lastSuccess = new ConcurrentHashMap<>();
  private final Map<String, Instant> overdueAlerted = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  Drills(BreakGlassPolicy policy, GrantLifecycle lifecycle, GrantStateMachine grants, GrantRules rules,
      CredentialRelease release, RotationScheduler rotation, FreshnessChecks freshness, EmergencyMonitor monitor,
      Recorder recorder) {
    this.policy = policy;
    this.lifecycle = lifecycle;
    this.grants = grants;
    this.rules = rules;
    this.release = release;
    this.rotation = rotation;
    this.freshness = freshness;
    this.monitor = monitor;
    this.recorder = recorder;
    this.clock = recorder.clock();
    this.started = clock.instant();
    this.historySource = DrillHistory.of(recorder.sink());
  }

  // ---------------------------------------------------------------- request and completion

  /** Files a drill request (see {@code BreakGlass.requestDrill}). */
  GrantRecord request(AccessRequest request) {
    AccountPolicy ap = drillable(request.account());
    if (monitor.isEmergency()) {
      throw new InvalidRequestException("account", "an emergency is open, so '" + ap.name()
          + "' must stay free for real use; drill it when the emergency is over");
    }
    String drillId = DrillGrants.newId();
    String rotator = rotation.rotatorFor(ap.name()).map(CredentialRotator::name).orElse("none");
    recorder.record(AuditEventType.DRILL_STARTED, request.requester(), drillId, ap.name(),
        recorder.details().put("rotator", rotator),
        "drill of " + ap.name() + " filed by " + request.requester() + "; its custodians approve it like any request");
    try {
      return lifecycle.request(request, drillId);
    } catch (AccessDeniedException e) {
      recorder.recordRefusal(AuditEventType.DRILL_FAILED, request.requester(), drillId, ap.name(),
          recorder.details().put("step", "request").put("error", e.getMessage()).put("rotated", "false"),
          "drill of " + ap.name() + " FAILED at request: " + e.getMessage());
      throw e;
    }
  }

  /** Completes an approved drill (see {@code BreakGlass.completeDrill}). */
  DrillResult complete(String grantId, String actor) {
    if (!DrillGrants.isDrill(grantId)) {
      throw new InvalidRequestException("grantId", "'" + grantId + "' is not a drill grant (their ids start with "
          + DrillGrants.PREFIX + "); a real grant ends with close(...) or revoke(...)");
    }
    GrantRecord rec = grants.load(grantId, actor);
    AccountPolicy ap = rules.account(rec);
    if (ApprovalRules.end(rec, ap, policy.incidentDeclarers(), actor, GrantStatus.CLOSED) != null) {
      throw recorder.refuse(AuditEventType.ACCESS_DENIED, new Refusal(ReasonCode.NOT_AUTHORIZED, actor
          + " may not complete drill " + grantId + ": its requester, a custodian of " + rec.account()
          + " or an incident declarer may"), actor, rec);
    }
    GrantStatus status = rules.status(rec);
    if (status == GrantStatus.PENDING_APPROVAL) {
      throw recorder.refuse(AuditEventType.ACCESS_DENIED, new Refusal(ReasonCode.GRANT_NOT_ACTIVE, "drill " + grantId
          + " is waiting for approvals (" + rec.approvals().size() + " of " + rec.approvalsRequired()
          + "); the custodians of " + rec.account() + " approve it with approve(...)"), actor, rec);
    }
    if (status != GrantStatus.ACTIVE) {
      throw recorder.refuse(AuditEventType.ACCESS_DENIED, new Refusal(ReasonCode.GRANT_NOT_ACTIVE,
          "drill " + grantId + " is " + status + "; file a new drill"), actor, rec);
    }
    ReentrantLock lock = locks.computeIfAbsent(rec.account(), k -> new ReentrantLock());
    if (!lock.tryLock()) {
      throw new InvalidRequestException("grantId", "a drill of '" + rec.account() + "' is being completed already");
    }
    try {
      return run(rec, ap, actor);
    } finally {
      lock.unlock();
    }
  }

  /** Requests and completes a drill of an account that needs no approvals (see {@code BreakGlass.drill}). */
  DrillResult drill(String account, String actor) {
    if (actor == null || actor.isBlank()) {
      throw new InvalidRequestException("actor", "a drill must name who runs it");
    }
    AccountPolicy ap = drillable(account);
    if (ap.approvalsRequired() > 0 || ap.ticketRequired() || !ap.identificationRequired().isEmpty()) {
      throw new InvalidRequestException("account", "'" + account + "' needs " + ap.approvalsRequired()
          + " custodian approval(s)" + (ap.ticketRequired() ? ", a ticket" : "")
          + (ap.identificationRequired().isEmpty() ? "" : ", identification " + ap.identificationRequired())
          + ": file the drill with requestDrill(...), have its custodians approve it, then completeDrill(...)");
    }
    Duration duration = ap.maxDuration().compareTo(ONE_CALL_DURATION) < 0 ? ap.maxDuration() : ONE_CALL_DURATION;
    GrantRecord rec = request(AccessRequest.builder().requester(actor).account(account).reason("scheduled drill")
        .duration(duration).build());
    return complete(rec.id(), actor);
  }

  private AccountPolicy drillable(String account) {
    AccountPolicy ap = policy.accounts().get(account);
    if (ap == null) {
      throw new InvalidRequestException("account", "'" + account + "' is not a break-glass account of the policy");
    }
    if (ap.ephemeral()) {
      throw new InvalidRequestException("account", "'" + account
          + "' is ephemeral: nothing is pre-staged, so there is nothing to drill");
    }
    if (rotation.rotatorFor(account).isEmpty()) {
      throw new InvalidRequestException("account", "no configured rotator supports '" + account
          + "'; a drill proves the credential at its target and rotates it, which needs one");
    }
    return ap;
  }

  /** Release, proof, close, rotation, proof again; every step that fails still closes and rotates. */
  private DrillResult run(GrantRecord rec, AccountPolicy ap, String actor) {
    String id = rec.id();
    String account = rec.account();
    CredentialRotator rotator = rotation.rotatorFor(account).orElseThrow(() -> new InvalidRequestException(
        "account", "no configured rotator supports '" + account + "' any more"));
    String failedStep = null;
    String why = null;
    CredentialCheck before;
    try (Credential released = release.releaseForDrill(id)) {
      before = prove(rotator, released);
    } catch (AuditUnavailableException e) {
      throw e;
    } catch (BreakGlassException e) {
      before = new CredentialCheck(account, CredentialCheck.Outcome.UNREADABLE, e.getMessage());
      failedStep = "release";
      why = "the credential was not released for the drill: " + e.getMessage();
    }
    if (failedStep == null && before.outcome() != CredentialCheck.Outcome.FRESH) {
      failedStep = "prove";
      why = "the released credential was not proven at its target: " + before.outcome() + " (" + before.detail() + ")";
    }
    boolean closed = true;
    try {
      lifecycle.closeCompletingDrill(id, actor, failedStep == null ? "drill proven" : "drill failed at " + failedStep);
    } catch (AuditUnavailableException e) {
      throw e;
    } catch (BreakGlassException e) {
      closed = false;
      if (failedStep == null) {
        failedStep = "close";
        why = "the drill grant could not be closed: " + e.getMessage();
      }
    }
    boolean rotated = closed && rotation.rotateNow(account);
    if (!rotated && failedStep == null) {
      failedStep = "rotate";
      why = rotator.name() + " did not rotate the credential (see the ROTATION_FAILED alert); " + account
          + " stays tainted until a rotation succeeds";
    }
    CredentialCheck after = null;
    if (rotated) {
      after = freshness.check(ap);
      if (failedStep == null && !Set.of(CredentialCheck.Outcome.FRESH, CredentialCheck.Outcome.SEALED)
          .contains(after.outcome())) {
        failedStep = "prove-rotated";
        why = "the rotated credential was not proven at its target: " + after.outcome() + " (" + after.detail() + ")";
      }
    }
    Instant finishedAt = clock.instant();
    if (failedStep == null) {
      recorder.record(AuditEventType.DRILL_COMPLETED, actor, id, account,
          recorder.details().put("proof", before.outcome().name()).put("rotated", "true")
              .put("proofAfterRotation", after.outcome().name()),
          "drill of " + account + " passed: released, proven at its target, closed, rotated, proven again");
      lastSuccess.merge(account, finishedAt, (a, b) -> a.isAfter(b) ? a : b);
      overdueAlerted.remove(account);
    } else {
      recorder.recordRefusal(AuditEventType.DRILL_FAILED, actor, id, account,
          recorder.details().put("step", failedStep).put("error", why).put("rotated", Boolean.toString(rotated)),
          "drill of " + account + " FAILED at " + failedStep + ": " + why);
    }
    recorder.checkpoint();
    String detail = failedStep == null
        ? "released, proven at its target, closed, rotated, and the rotated credential "
            + (after.outcome() == CredentialCheck.Outcome.SEALED ? "sealed again" : "proven again")
        : why;
    return new DrillResult(id, account, rec.requester(), rec.requestedAt(), finishedAt, failedStep == null, before,
        rotated, after, failedStep, detail);
  }

  /** Proves the released credential itself at its target, through the rotator. */
  private static CredentialCheck prove(CredentialRotator rotator, Credential released) {
    String account = released.account();
    try (ProofVault proof = new ProofVault(released)) {
      return rotator.verify(account, proof)
          ? new CredentialCheck(account, CredentialCheck.Outcome.FRESH, "authenticates at its target (" + rotator.name() + ")")
          : new CredentialCheck(account, CredentialCheck.Outcome.STALE, "rejected by its target (" + rotator.name() + ")");
    } catch (UnsupportedOperationException e) {
      return new CredentialCheck(account, CredentialCheck.Outcome.DECRYPTS, rotator.name()
          + " cannot test it at the target, so the drill cannot prove it");
    } catch (RuntimeException e) {
      return new CredentialCheck(account, CredentialCheck.Outcome.UNREACHABLE, rotator.name() + ": " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- last drills and the stale-drill alert

  /** Merges what the audit log says into what this process saw, once. */
  private void history() {
    if (since != null) {
      return;
    }
    synchronized (this) {
      if (since != null) {
        return;
      }
      DrillHistory h = historySource.read();
      h.lastSuccess().forEach((account, at) -> lastSuccess.merge(account, at, (a, b) -> a.isAfter(b) ? a : b));
      for (AccountPolicy ap : policy.accounts().values()) {
        Instant alerted = h.overdueAlertedSinceLastSuccess(ap.name());
        Instant last = lastSuccess.get(ap.name());
        if (alerted != null && (last == null || alerted.isAfter(last))) {
          overdueAlerted.putIfAbsent(ap.name(), alerted);
        }
      }
      Instant first = h.firstRecord();
      since = first != null && first.isBefore(started) ? first : started;
    }
  }

  /** The time of the account's last successful drill (from the audit log and this process), if any. */
  @Nullable Instant lastSuccess(String account) {
    history();
    return lastSuccess.get(account);
  }

  /** The checks with the time of each account's last successful drill. */
  List<CredentialCheck> withLastDrill(List<CredentialCheck> checks) {
    history();
    List<CredentialCheck> out = new ArrayList<>(checks.size());
    checks.forEach(c -> out.add(c.withLastDrill(lastSuccess.get(c.account()))));
    return out;
  }

  /**
   * Raises one HIGH {@link AuditEventType#DRILL_OVERDUE} alert for every account whose last
   * successful drill (or, without one, the log's first record) is older than its interval. An
   * account is alerted once per overdue period, also across restarts (the alert is in the log);
   * again only after it passed a drill and fell overdue anew.
   *
   * @return the overdue accounts
   */
  List<String> checkOverdue() {
    history();
    Instant now = clock.instant();
    List<String> overdue = new ArrayList<>();
    for (AccountPolicy ap : policy.accounts().values()) {
      Duration every = ap.drillEvery();
      if (every == null) {
        continue;
      }
      Instant last = lastSuccess.get(ap.name());
      Instant from = last != null ? last : Optional.ofNullable(since).orElse(started);
      if (!now.isAfter(from.plus(every))) {
        continue;
      }
      overdue.add(ap.name());
      if (overdueAlerted.putIfAbsent(ap.name(), now) == null) {
        recorder.recordRefusal(AuditEventType.DRILL_OVERDUE, AuditEvent.SYSTEM, null, ap.name(),
            recorder.details().put("drill", "true").put("drillEvery", every.toString())
                .put("lastDrill", last == null ? "none since " + from : last.toString()),
            "[DRILL] " + ap.name() + " is overdue for a drill: "
                + (last == null ? "none passed since " + from : "last passed " + last) + ", interval " + every);
      }
    }
    return overdue;
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.CredentialCheck;
import dev.breakglass.DrillResult;
import dev.breakglass.InvalidRequestException;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Drills: prove an account's pre-staged credential at its target, rotate it, prove the rotated one.
 * A drill never issues a grant and never hands the credential to anyone, so there is nothing a
 * drill could be used for as real access; it never touches the emergency monitor, so it neither
 * needs nor opens the emergency path. Every record carries {@code drill=true} and the drill's id.
 *
 * <p>The time of each account's last successful drill is kept in memory; until an account has
 * passed a drill, its interval counts from the engine's start, so a restart does not page everyone
 * at once. Thread-safe: one drill per account at a time.
 */
final class Drills {
  private final BreakGlassPolicy policy;
  private final CredentialVault vault;
  private final RotationScheduler rotation;
  private final FreshnessChecks freshness;
  private final Recorder recorder;
  private final Clock clock;
  private final Instant started;
  private final Map<String, Instant> lastSuccess = new ConcurrentHashMap<>();
  private final Map<String, Instant> overdueAlerted = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  Drills(BreakGlassPolicy policy, CredentialVault vault, RotationScheduler rotation, FreshnessChecks freshness,
      Recorder recorder) {
    this.policy = policy;
    this.vault = vault;
    this.rotation = rotation;
    this.freshness = freshness;
    this.recorder = recorder;
    this.clock = recorder.clock();
    this.started = clock.instant();
  }

  DrillResult drill(String account, String actor) {
    AccountPolicy ap = policy.accounts().get(account);
    if (ap == null) {
      throw new InvalidRequestException("account", "'" + account + "' is not a break-glass account of the policy");
    }
    if (ap.ephemeral()) {
      throw new InvalidRequestException("account", "'" + account
          + "' is ephemeral: nothing is pre-staged, so there is nothing to drill");
    }
    if (actor == null || actor.isBlank()) {
      throw new InvalidRequestException("actor", "a drill must name who runs it");
    }
    Optional<CredentialRotator> rotator = rotation.rotatorFor(account);
    if (rotator.isEmpty()) {
      throw new InvalidRequestException("account", "no configured rotator supports '" + account
          + "'; a drill proves the credential at its target and rotates it, which needs one");
    }
    ReentrantLock lock = locks.computeIfAbsent(account, k -> new ReentrantLock());
    if (!lock.tryLock()) {
      throw new InvalidRequestException("account", "a drill of '" + account + "' is already running");
    }
    try {
      return run(ap, actor, rotator.get());
    } finally {
      lock.unlock();
    }
  }

  private DrillResult run(AccountPolicy ap, String actor, CredentialRotator rotator) {
    String account = ap.name();
    String drillId = "drill-" + UUID.randomUUID();
    Instant startedAt = clock.instant();
    recorder.record(AuditEventType.DRILL_STARTED, actor, null, account, marked(drillId, "rotator", rotator.name()),
        "[DRILL] drill of " + account + " started by " + actor);
    CredentialCheck before = freshness.check(ap);
    if (before.outcome() != CredentialCheck.Outcome.FRESH) {
      return failed(drillId, account, actor, startedAt, before, false, null, "prove",
          "the pre-staged credential was not proven at its target: " + before.outcome() + " (" + before.detail() + ")");
    }
    recorder.record(AuditEventType.ROTATION_STARTED, actor, null, account, marked(drillId, "rotator", rotator.name()),
        "[DRILL] rotating the credential of " + account + " after its drill proof");
    try {
      rotator.rotate(account, vault);
    } catch (RuntimeException e) {
      return failed(drillId, account, actor, startedAt, before, false, null, "rotate",
          rotator.name() + " failed to rotate: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    recorder.record(AuditEventType.CREDENTIAL_ROTATED, actor, null, account, marked(drillId, "rotator", rotator.name()),
        "[DRILL] credential of " + account + " rotated");
    CredentialCheck after = freshness.check(ap);
    if (after.outcome() != CredentialCheck.Outcome.FRESH) {
      return failed(drillId, account, actor, startedAt, before, true, after, "prove-rotated",
          "the rotated credential was not proven at its target: " + after.outcome() + " (" + after.detail() + ")");
    }
    Instant finishedAt = clock.instant();
    recorder.record(AuditEventType.DRILL_COMPLETED, actor, null, account,
        marked(drillId, "proof", before.outcome().name()).put("rotated", "true")
            .put("proofAfterRotation", after.outcome().name()),
        "[DRILL] drill of " + account + " passed: proven at its target, rotated, proven again");
    lastSuccess.put(account, finishedAt);
    overdueAlerted.remove(account);
    return new DrillResult(drillId, account, actor, startedAt, finishedAt, true, before, true, after, null,
        "proven at its target, rotated, and the rotated credential proven again");
  }

  private DrillResult failed(String drillId, String account, String actor, Instant startedAt, CredentialCheck before,
      boolean rotated, @Nullable CredentialCheck after, String step, String why) {
    recorder.recordRefusal(AuditEventType.DRILL_FAILED, actor, null, account,
        marked(drillId, "step", step).put("error", why).put("rotated", Boolean.toString(rotated)),
        "[DRILL] drill of " + account + " FAILED at " + step + ": " + why);
    return new DrillResult(drillId, account, actor, startedAt, clock.instant(), false, before, rotated, after, step,
        why);
  }

  private AuditDetails marked(String drillId, String key, String value) {
    return recorder.details().put("drill", "true").put("drillId", drillId).put(key, value);
  }

  /** The time of the account's last successful drill since the engine started, if any. */
  @Nullable Instant lastSuccess(String account) {
    return lastSuccess.get(account);
  }

  /** The checks with the time of each account's last successful drill. */
  List<CredentialCheck> withLastDrill(List<CredentialCheck> checks) {
    List<CredentialCheck> out = new ArrayList<>(checks.size());
    checks.forEach(c -> out.add(c.withLastDrill(lastSuccess.get(c.account()))));
    return out;
  }

  /**
   * Raises one HIGH {@link AuditEventType#DRILL_OVERDUE} alert for every account whose last
   * successful drill (or, without one, the engine's start) is older than its interval. An account
   * is alerted once per overdue period, again only after it passed a drill and fell overdue anew.
   *
   * @return the overdue accounts
   */
  List<String> checkOverdue() {
    Instant now = clock.instant();
    List<String> overdue = new ArrayList<>();
    for (AccountPolicy ap : policy.accounts().values()) {
      Duration every = ap.drillEvery();
      if (every == null) {
        continue;
      }
      Instant last = lastSuccess.get(ap.name());
      Instant since = last != null ? last : started;
      if (!now.isAfter(since.plus(every))) {
        continue;
      }
      overdue.add(ap.name());
      if (overdueAlerted.putIfAbsent(ap.name(), now) == null) {
        recorder.recordRefusal(AuditEventType.DRILL_OVERDUE, AuditEvent.SYSTEM, null, ap.name(),
            recorder.details().put("drill", "true").put("drillEvery", every.toString())
                .put("lastDrill", last == null ? "none since " + started : last.toString()),
            "[DRILL] " + ap.name() + " is overdue for a drill: "
                + (last == null ? "none passed since " + started : "last passed " + last) + ", interval " + every);
      }
    }
    return overdue;
  }
}

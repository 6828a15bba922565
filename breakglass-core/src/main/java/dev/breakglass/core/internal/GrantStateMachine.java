package dev.breakglass.core.internal;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.BreakGlassException;
import dev.breakglass.GrantStatus;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of grant records. Every change of a grant goes through {@link #transition} (and a
 * new request through {@link #open}), which states the order once: the audit record first (nothing
 * changes unless it is durable), then the compare-and-set in the {@link GrantStore}, then the
 * alert. Only changes listed in {@link GrantTransition} are accepted. Operations on one grant are
 * serialized by a striped lock ({@link #withGrant}); the state itself lives only in the store.
 * Thread-safe.
 */
final class GrantStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(GrantStateMachine.class);
  private static final int STRIPES = 64;

  private final GrantStore store;
  private final Recorder recorder;
  private final GrantRules rules;
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

  GrantStateMachine(GrantStore store, Recorder recorder, GrantRules rules) {
    this.store = store;
    this.recorder = recorder;
    this.rules = rules;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /**
   * Stores a new request: audit ({@link GrantTransition#REQUEST}), insert, alert. Caller holds the
   * grant's lock.
   *
   * @throws AuditUnavailableException if the record is not durable; nothing is stored then
   */
  GrantRecord open(GrantRecord request, String actor, AuditDetails details, String summary) {
    check(GrantTransition.REQUEST, null, request);
    AuditEvent event = recorder.audit(GrantTransition.REQUEST.event(), actor, request.id(), request.account(),
        details);
    store.insert(request);
    recorder.alert(event, summary, GrantTransition.REQUEST.alertId(request.id()));
    return request;
  }

  /**
   * Changes {@code current} into {@code next}: audit, compare-and-set, alert. Caller holds the
   * grant's lock.
   *
   * @return {@code next}
   * @throws IllegalStateException if the table has no such change (a bug, not bad input)
   * @throws AuditUnavailableException if the record is not durable; nothing changed then
   * @throws BreakGlassException if the stored grant changed meanwhile (another node); the audit
   *     record stands, no alert is raised
   */
  GrantRecord transition(GrantRecord current, GrantTransition transition, GrantRecord next, String actor,
      AuditDetails details, String summary) {
    check(transition, current, next);
    AuditEvent event = recorder.audit(transition.event(), actor, current.id(), current.account(), details);
    if (!store.replace(current, next)) {
      throw new BreakGlassException(ReasonCode.GRANT_NOT_ACTIVE,
          "grant " + current.id() + " was changed concurrently (by another node); retry");
    }
    recorder.alert(event, summary, transition.alertId(current.id()));
    return next;
  }

  /**
   * Like {@link #transition}, for a change whose record must never claim what did not happen (the
   * credential release): {@code attempt} is audited durably before the compare-and-set (fail
   * closed: nothing changes without it), then the transition's own record and alert only if the
   * compare-and-set won, or a {@code lostRace} record (and alert) if another writer changed the
   * grant first. Caller holds the grant's lock.
   *
   * @throws AuditUnavailableException if a record is not durable; if it is the outcome record, the
   *     grant is changed but the caller must not act on it
   * @throws BreakGlassException if the stored grant changed meanwhile (another node)
   */
  GrantRecord transitionRecordingOutcome(GrantRecord current, GrantTransition transition, GrantRecord next,
      String actor, AuditDetails details, String summary, AuditEventType attempt, AuditEventType lostRace) {
    check(transition, current, next);
    recorder.audit(attempt, actor, current.id(), current.account(),
        recorder.details().put("operation", transition.name()));
    if (!store.replace(current, next)) {
      recorder.recordRefusal(lostRace, actor, current.id(), current.account(),
          recorder.details().put("operation", transition.name()).put("reason", "CONCURRENT_CHANGE"),
          transition.name().toLowerCase(java.util.Locale.ROOT) + " of grant " + current.id()
              + " lost the race to another writer; nothing happened here");
      throw new BreakGlassException(ReasonCode.GRANT_NOT_ACTIVE,
          "grant " + current.id() + " was changed concurrently (by another node); retry");
    }
    AuditEvent event = recorder.audit(transition.event(), actor, current.id(), current.account(), details);
    recorder.alert(event, summary, transition.alertId(current.id()));
    return next;
  }

  private static void check(GrantTransition transition, @Nullable GrantRecord current, GrantRecord next) {
    boolean fromOk = current == null ? transition.from().isEmpty() : transition.allowedFrom(current.status());
    if (!fromOk || next.status() != transition.to() || (current != null && !current.id().equals(next.id()))) {
      throw new IllegalStateException("no transition " + transition + " from "
          + (current == null ? "nothing" : current.status()) + " to " + next.status() + " for grant " + next.id());
    }
  }

  /** The stored grant, if any. */
  Optional<GrantRecord> find(String grantId) {
    return store.find(grantId);
  }

  /**
   * The stored grant, refusing (audited) if it does not exist.
   *
   * @throws AccessDeniedException with {@link ReasonCode#GRANT_NOT_FOUND}
   */
  GrantRecord load(String grantId, String actor) {
    Optional<GrantRecord> rec = store.find(grantId);
    if (rec.isEmpty()) {
      recorder.recordRefusal(AuditEventType.ACCESS_DENIED, actor, grantId, null,
          Map.of("reason", ReasonCode.GRANT_NOT_FOUND.name()), actor + " referred to unknown grant " + grantId);
      throw new AccessDeniedException(ReasonCode.GRANT_NOT_FOUND, "no grant " + grantId, grantId);
    }
    return rec.get();
  }

  /** Loads a grant (refusing, audited, if it does not exist) and runs {@code action} under its lock. */
  <T> T withGrant(String grantId, String actor, Function<GrantRecord, T> action) {
    ReentrantLock lock = lockFor(grantId);
    lock.lock();
    try {
      return action.apply(load(grantId, actor));
    } finally {
      lock.unlock();
    }
  }

  /** The lock that serializes operations on {@code grantId}. */
  ReentrantLock lockFor(String grantId) {
    return locks[Math.floorMod(grantId.hashCode(), STRIPES)];
  }

  /**
   * Runs {@code action} on every pending or active grant under its lock, with its current record and
   * effective status. A failure on one grant is logged and does not stop the others.
   */
  void forEachOpen(BiConsumer<GrantRecord, GrantStatus> action) {
    for (GrantRecord open : openGrants()) {
      ReentrantLock lock = lockFor(open.id());
      lock.lock();
      try {
        GrantRecord rec = store.find(open.id()).orElse(open);
        action.accept(rec, rules.status(rec));
      } catch (BreakGlassException e) {
        LOG.warn("could not update grant {}: {}", open.id(), e.getMessage());
      } finally {
        lock.unlock();
      }
    }
  }

  /** Grants stored as pending or active (some may be expired by the clock). */
  List<GrantRecord> openGrants() {
    return store.findByStatus(EnumSet.of(GrantStatus.PENDING_APPROVAL, GrantStatus.ACTIVE));
  }
}

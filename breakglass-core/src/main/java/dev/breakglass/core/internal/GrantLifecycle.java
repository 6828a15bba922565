package dev.breakglass.core.internal;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.ApprovalRecord;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.Decision;
import dev.breakglass.Denial;
import dev.breakglass.GrantStatus;
import dev.breakglass.RateLimitedException;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.rotation.EphemeralCredentials;
import dev.breakglass.spi.GrantRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The grant lifecycle's operations: request, approve, deny, issue, revoke, close, expire, and what
 * each leaves behind (the account freed, or tainted and queued for rotation; shares and digests
 * forgotten). The rules decide ({@link RequestRules}, {@link ApprovalRules}); every change of a
 * grant goes through {@link GrantStateMachine#transition}. Thread-safe.
 */
final class GrantLifecycle {
  private final GrantStateMachine grants;
  private final GrantRules rules;
  private final AccountLedger accounts;
  private final Recorder recorder;
  private final EmergencyMonitor monitor;
  private final RequestRateLimiter rateLimiter;
  private final CredentialRelease release;
  private final RotationScheduler rotation;
  private final EphemeralCredentials ephemeral;
  private final SignedDecisions signatures;
  private final SecureRandom random = new SecureRandom();

  GrantLifecycle(GrantStateMachine grants, GrantRules rules, AccountLedger accounts, Recorder recorder,
      EmergencyMonitor monitor, RequestRateLimiter rateLimiter, CredentialRelease release, RotationScheduler rotation,
      EphemeralCredentials ephemeral, SignedDecisions signatures) {
    this.grants = grants;
    this.signatures = signatures;
    this.rules = rules;
    this.accounts = accounts;
    this.recorder = recorder;
    this.monitor = monitor;
    this.rateLimiter = rateLimiter;
    this.release = release;
    this.rotation = rotation;
    this.ephemeral = ephemeral;
  }

  // ---------------------------------------------------------------- requests

  GrantRecord request(AccessRequest request) {
    return request(request, null);
  }

  /**
   * A request for access, or with {@code drillId} (a {@link DrillGrants} id) the same request filed
   * as a drill: every rule applies except the emergency requirement, since a drill rehearses on a
   * normal day; a drill grant is never real access ({@link CredentialRelease} refuses it).
   */
  GrantRecord request(AccessRequest request, @Nullable String drillId) {
    boolean drill = drillId != null;
    String who = request.requester();
    String account = request.account();
    Optional<Duration> wait = rateLimiter.tryAcquire(who);
    if (wait.isPresent()) {
      recorder.recordRefusal(AuditEventType.ACCESS_DENIED, who, null, account,
          Map.of("reason", ReasonCode.RATE_LIMITED.name(), "retryAfterSeconds", Long.toString(wait.get().toSeconds())),
          who + " is rate limited");
      throw new RateLimitedException(who, wait.get());
    }
    AccountPolicy ap = rules.policy().account(account).orElse(null);
    Refusal refusal = RequestRules.check(ap, request, monitor.isEmergency() || drill);
    if (refusal == null) {
      refusal = RequestRules.accountFree(Objects.requireNonNull(ap), accounts.state(account));
    }
    if (refusal != null) {
      throw refuseRequest(refusal, who, account);
    }

    Instant now = rules.now();
    String id = drill ? drillId : newGrantId();
    AuditDetails details = recorder.details().put("reason", request.reason());
    if (drill) {
      details.put("drill", "true").put("drillId", id);
    }
    if (request.ticket() != null) {
      if (ap.fingerprintTicket()) {
        details.putSensitive("ticket", request.ticket());
      } else {
        details.put("ticket", request.ticket());
      }
    }
    details.put("duration", request.duration().toString());
    details.put("approvalsRequired", Integer.toString(ap.approvalsRequired()));
    request.identification().forEach((kind, value) -> details.put("identification." + kind, value));
    if (request.clientAddress() != null) {
      details.put("client", request.clientAddress());
    }
    details.put("emergency", monitor.describe());
    // The digest binds what is audited: a fingerprinted ticket by its fingerprint, so the digest
    // cannot be used to test guesses of the ticket text.
    String digest = requestDigest(id, who, account, request.reason(), details.get("ticket"), request.duration(), now,
        details.asMap());
    details.put("requestDigest", digest);
    GrantRecord record = new GrantRecord(id, who, account, request.reason(), request.ticket(), request.duration(),
        digest, now, ap.approvalsRequired(), List.of(), GrantStatus.PENDING_APPROVAL, null, null, null, false, 0);

    ReentrantLock lock = grants.lockFor(id);
    lock.lock();
    try {
      if (!accounts.reserve(account, id)) {
        Refusal taken = RequestRules.accountFree(ap, accounts.state(account));
        throw refuseRequest(taken != null ? taken
            : new Refusal(ReasonCode.ACCOUNT_IN_USE, "'" + account + "' is held by another grant"), who, account);
      }
      try {
        grants.open(record, who, details,
            who + " requested break-glass access to " + account + " (" + request.reason() + ")");
      } catch (AuditUnavailableException e) {
        accounts.release(account, id);
        throw e;
      }
      if (ap.approvalsRequired() == 0) {
        issue(record, who);
      }
    } finally {
      lock.unlock();
    }
    return record;
  }

  private AccessDeniedException refuseRequest(Refusal refusal, String who, String account) {
    recorder.recordRefusal(AuditEventType.ACCESS_DENIED, who, null, account,
        Map.of("reason", refusal.code().name(), "detail", refusal.message()),
        "request by " + who + " refused: " + refusal.message());
    return new AccessDeniedException(refusal.code(), refusal.message());
  }

  // ---------------------------------------------------------------- approvals

  GrantRecord approve(Approval approval) {
    return grants.withGrant(approval.grantId(), approval.custodian(), rec -> approveLocked(rec, approval));
  }

  private GrantRecord approveLocked(GrantRecord rec, Approval approval) {
    String custodian = approval.custodian();
    Instant now = rules.now();
    GrantStatus status = rules.status(rec, now);
    if (status == GrantStatus.APPROVAL_EXPIRED) {
      expireRequest(rec);
    }
    Refusal refusal = ApprovalRules.approve(rec, rules.account(rec), status, approval,
        monitor.isEmergency() || DrillGrants.isDrill(rec.id()), rules.policy().approvalTimeout());
    if (refusal != null) {
      throw recorder.refuse(AuditEventType.APPROVAL_REFUSED, refusal, custodian, rec);
    }
    Map<String, String> signed = checkSignature(rec, custodian, Decision.APPROVE, approval.signature(), now);
    int count = rec.approvals().size() + 1;
    AuditDetails details = recorder.details()
        .put("approvals", count + " of " + rec.approvalsRequired())
        .put("requestDigest", rec.requestDigest())
        .putAll(signed);
    if (approval.comment() != null) {
      details.put("comment", approval.comment());
    }
    details.put("share", approval.hasShare() ? "attached" : "none");
    GrantRecord next = grants.transition(rec, GrantTransition.APPROVE, rec.withApproval(new ApprovalRecord(custodian, now)),
        custodian, details, custodian + " approved " + rec.requester() + "'s request for " + rec.account() + " ("
            + count + " of " + rec.approvalsRequired() + ")");
    if (approval.hasShare()) {
      release.holdShare(rec.id(), custodian, approval.share());
    }
    if (ApprovalRules.quorumReached(next)) {
      return issue(next, custodian);
    }
    return next;
  }

  GrantRecord deny(Denial denial) {
    String custodian = denial.custodian();
    return grants.withGrant(denial.grantId(), custodian, rec -> {
      Refusal refusal = ApprovalRules.deny(rec, rules.account(rec), rules.policy().incidentDeclarers(), custodian,
          rules.status(rec));
      if (refusal == null && !denial.requestDigest().equals(rec.requestDigest())) {
        refusal = new Refusal(ReasonCode.APPROVAL_MISMATCH,
            "denial by " + custodian + " was made for a different request than " + rec.id());
      }
      if (refusal != null) {
        throw recorder.refuse(AuditEventType.APPROVAL_REFUSED, refusal, custodian, rec);
      }
      // An incident declarer who is no custodian denies in their own name; only custodians sign.
      Map<String, String> signed = rules.account(rec).custodians().contains(custodian) || denial.signature() != null
          ? checkSignature(rec, custodian, Decision.DENY, denial.signature(), rules.now()) : Map.of();
      return endPending(rec, GrantTransition.DENY, custodian, denial.reason(), signed);
    });
  }

  /** The signature half of a decision ({@link SignedDecisions}); a refusal is audited. */
  private Map<String, String> checkSignature(GrantRecord rec, String custodian, Decision decision,
      dev.breakglass.@Nullable ApprovalSignature signature, Instant now) {
    try {
      return signatures.check(rec, rules.account(rec), custodian, decision, signature, now);
    } catch (AccessDeniedException e) {
      throw recorder.refuse(AuditEventType.APPROVAL_REFUSED, new Refusal(e.code(), e.getMessage()), custodian, rec);
    }
  }

  /** Caller holds the grant's lock. */
  private GrantRecord issue(GrantRecord rec, String actor) {
    GrantRecord next = rec.issued(rules.now());
    AuditDetails details = recorder.details()
        .put("requester", rec.requester())
        .put("expiresAt", String.valueOf(next.expiresAt()))
        .put("approvedBy", rec.approvals().stream().map(ApprovalRecord::custodian).collect(Collectors.joining(",")));
    return grants.transition(rec, GrantTransition.ISSUE, next, actor, details,
        "grant issued to " + rec.requester() + " for " + rec.account() + " until " + next.expiresAt());
  }

  // ---------------------------------------------------------------- ending

  /** Revokes or closes a grant by someone's decision. */
  GrantRecord end(String grantId, String actor, String reason, GrantStatus terminal) {
    return end(grantId, actor, reason, terminal, false);
  }

  /**
   * Closes a drill grant as a step of its own completion ({@link Drills}), which records the
   * drill's outcome itself; any other end of a drill grant fails the drill here.
   */
  GrantRecord closeCompletingDrill(String grantId, String actor, String reason) {
    return end(grantId, actor, reason, GrantStatus.CLOSED, true);
  }

  private GrantRecord end(String grantId, String actor, String reason, GrantStatus terminal, boolean completingDrill) {
    GrantTransition transition = GrantTransition.ending(terminal);
    return grants.withGrant(grantId, actor, rec -> {
      Refusal refusal = ApprovalRules.end(rec, rules.account(rec), rules.policy().incidentDeclarers(), actor, terminal);
      if (refusal != null) {
        throw recorder.refuse(AuditEventType.ACCESS_DENIED, refusal, actor, rec);
      }
      Instant now = rules.now();
      GrantStatus status = rules.status(rec, now);
      if (status == GrantStatus.EXPIRED) {
        expire(rec);
      }
      if (status.isTerminal()) {
        throw new AccessDeniedException(ReasonCode.GRANT_NOT_ACTIVE, "grant " + rec.id() + " is already " + status,
            rec.id());
      }
      if (status == GrantStatus.PENDING_APPROVAL) {
        return endPending(rec, transition, actor, reason);
      }
      return endIssued(rec, transition, actor, reason, now, completingDrill);
    });
  }

  /** Caller holds the lock. Ends a pending request: no credential left the vault, so no taint. */
  private GrantRecord endPending(GrantRecord rec, GrantTransition transition, String actor, String reason) {
    return endPending(rec, transition, actor, reason, Map.of());
  }

  private GrantRecord endPending(GrantRecord rec, GrantTransition transition, String actor, String reason,
      Map<String, String> extra) {
    GrantRecord next = grants.transition(rec, transition, rec.ended(transition.to(), rules.now()), actor,
        recorder.details().put("reason", reason).putAll(extra),
        rec.requester() + "'s request for " + rec.account() + " ended: " + transition.to());
    release.forget(rec.id());
    accounts.release(rec.account(), rec.id());
    drillEndedEarly(rec, "approval", "its request ended " + transition.to() + " (" + reason + ", by " + actor
        + ") before its approvals were complete");
    return next;
  }

  /** Caller holds the lock. Ends an issued grant: the account is tainted until rotated. */
  private GrantRecord endIssued(GrantRecord rec, GrantTransition transition, String actor, String reason, Instant at) {
    return endIssued(rec, transition, actor, reason, at, false);
  }

  private GrantRecord endIssued(GrantRecord rec, GrantTransition transition, String actor, String reason, Instant at,
      boolean completingDrill) {
    GrantRecord next = grants.transition(rec, transition, rec.ended(transition.to(), at), actor,
        recorder.details().put("reason", reason),
        "grant " + rec.id() + " for " + rec.account() + " ended: " + transition.to());
    release.forget(rec.id());
    if (!completingDrill) {
      drillEndedEarly(rec, "complete", "the approved drill ended " + transition.to() + " (" + reason + ", by "
          + actor + ") before it was completed; the account is rotated as after any grant");
    }
    if (rules.account(rec).ephemeral()) {
      // The minted credential dies with its grant: forgetting its verifier is the rotation.
      ephemeral.forget(rec.id());
      accounts.release(rec.account(), rec.id());
      return next;
    }
    accounts.releaseAndTaint(rec.account(), rec.id());
    rotation.schedule(rec.account());
    return next;
  }

  /**
   * A drill grant that ends before its completion ran fails the drill: its outcome record (a
   * CRITICAL alert) and a checkpoint, so the failure's evidence can be exported like any drill's.
   * Caller holds the lock; the grant's own end is already durable.
   */
  private void drillEndedEarly(GrantRecord rec, String step, String why) {
    if (!DrillGrants.isDrill(rec.id())) {
      return;
    }
    recorder.recordRefusal(AuditEventType.DRILL_FAILED, AuditEvent.SYSTEM, rec.id(), rec.account(),
        recorder.details().put("step", step).put("error", why).put("rotated", "false"),
        "drill of " + rec.account() + " FAILED at " + step + ": " + why);
    recorder.checkpoint();
  }

  private void expire(GrantRecord rec) {
    endIssued(rec, GrantTransition.EXPIRE, AuditEvent.SYSTEM, "reached its expiry " + rec.expiresAt(),
        Objects.requireNonNull(rec.expiresAt()));
  }

  private void expireRequest(GrantRecord rec) {
    endPending(rec, GrantTransition.EXPIRE_REQUEST, AuditEvent.SYSTEM,
        "no quorum within " + rules.policy().approvalTimeout());
  }

  /** The emergency ended: where the policy says so, every open grant and request is closed. */
  void emergencyEnded() {
    if (!rules.policy().endGrantsWhenEmergencyEnds()) {
      return;
    }
    grants.forEachOpen((rec, status) -> {
      if (status == GrantStatus.ACTIVE) {
        endIssued(rec, GrantTransition.CLOSE, AuditEvent.SYSTEM, "emergency ended", rules.now());
      } else if (status == GrantStatus.PENDING_APPROVAL) {
        endPending(rec, GrantTransition.CLOSE, AuditEvent.SYSTEM, "emergency ended");
      }
    });
  }

  /**
   * Records what the clock already decided: expiries of grants and requests. Issues a request whose
   * quorum is complete but whose issue did not happen (its record could not be written).
   */
  void sweep() {
    grants.forEachOpen((rec, status) -> {
      if (status == GrantStatus.EXPIRED && rec.status() == GrantStatus.ACTIVE) {
        expire(rec);
      } else if (status == GrantStatus.APPROVAL_EXPIRED && rec.status() == GrantStatus.PENDING_APPROVAL) {
        expireRequest(rec);
      } else if (status == GrantStatus.PENDING_APPROVAL && rec.approvalsRequired() > 0
          && ApprovalRules.quorumReached(rec)) {
        issue(rec, AuditEvent.SYSTEM);
      }
    });
  }

  private String newGrantId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return "bg-" + HexFormat.of().formatHex(b);
  }

  /**
   * The digest custodians approve: SHA-256 over the request's facts and its audited details (sorted
   * by key), each length-prefixed so that no two different requests share an encoding.
   */
  static String requestDigest(String id, String requester, String account, String reason, @Nullable String ticket,
      Duration duration, Instant requestedAt, Map<String, String> details) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      List<String> parts = new ArrayList<>(List.of(id, requester, account, reason, ticket == null ? "" : ticket,
          duration.toString(), requestedAt.toString()));
      new TreeMap<>(details).forEach((k, v) -> {
        parts.add(k);
        parts.add(v);
      });
      for (String p : parts) {
        byte[] b = p.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(b.length).array());
        sha.update(b);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}

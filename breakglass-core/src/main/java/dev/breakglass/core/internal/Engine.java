package dev.breakglass.core.internal;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.Approval;
import dev.breakglass.ApprovalRecord;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditSink;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.CredentialCheck;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.EmergencyState;
import dev.breakglass.GrantStatus;
import dev.breakglass.LoginAttempt;
import dev.breakglass.RateLimitedException;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.alert.AlertDispatcher;
import dev.breakglass.core.audit.Fingerprinter;
import dev.breakglass.core.rotation.Backoff;
import dev.breakglass.core.rotation.EphemeralCredentials;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.SealedCredentialVault;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The break-glass engine. Every state change follows the same order: validate (nothing changes on
 * bad input), audit (nothing happens unless the record is durable), compare-and-set in the
 * {@link GrantStore}, then alert. Operations on one grant are serialized by a striped lock; state
 * itself lives only in the store. Thread-safe.
 */
public final class Engine implements BreakGlass {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  private static final int STRIPES = 64;
  /** The longest a release waits for an alert confirmation, whatever the dispatcher's own timeout. */
  private static final Duration CONFIRMATION_BOUND = Duration.ofMinutes(2);

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
      List<AutoCloseable> owned) {}

  private final Config config;
  private final BreakGlassPolicy policy;
  private final Clock clock;
  private final GrantStore store;
  private final CredentialVault vault;
  private final Recorder recorder;
  private final EmergencyMonitor monitor;
  private final RequestRateLimiter rateLimiter;
  private final Fingerprinter fingerprinter;
  private final ReentrantLock[] grantLocks = new ReentrantLock[STRIPES];
  private final ConcurrentHashMap<String, Boolean> rotating = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, RetryState> rotationRetries = new ConcurrentHashMap<>();
  /** Custodians' shares for sealed vaults, by grant, in memory only until release or the grant's end. */
  private final ConcurrentHashMap<String, Map<String, char[]>> shares = new ConcurrentHashMap<>();
  /** Keyed digests of released credentials, by grant, so logins are checked without unsealing the vault. */
  private final ConcurrentHashMap<String, byte[]> releasedDigests = new ConcurrentHashMap<>();
  private final Fingerprinter loginVerifier;
  private final SecureRandom random = new SecureRandom();
  private final @Nullable ScheduledExecutorService scheduler;
  private final @Nullable ExecutorService rotationExecutor;
  private volatile boolean closed;

  public Engine(Config config) {
    this.config = config;
    this.policy = config.policy();
    this.clock = config.clock();
    this.store = config.store();
    this.vault = config.vault();
    this.fingerprinter = config.fingerprinter();
    this.recorder = new Recorder(config.audit(), config.alerts(), clock);
    this.monitor = new EmergencyMonitor(config.probes(), config.fallThreshold(), config.riseThreshold(), recorder,
        policy.incidentDeclarers(), this::emergencyEnded);
    this.rateLimiter = new RequestRateLimiter(policy.rateLimit(), clock);
    byte[] verifierKey = new byte[32];
    random.nextBytes(verifierKey);
    this.loginVerifier = new Fingerprinter(verifierKey);
    Arrays.fill(verifierKey, (byte) 0);
    for (int i = 0; i < STRIPES; i++) {
      grantLocks[i] = new ReentrantLock();
    }
    if (config.background()) {
      scheduler = Executors.newSingleThreadScheduledExecutor(daemon("breakglass-monitor"));
      rotationExecutor = Executors.newSingleThreadExecutor(daemon("breakglass-rotation"));
      long health = config.healthCheckInterval().toMillis();
      if (!config.probes().isEmpty() && health > 0) {
        scheduler.scheduleWithFixedDelay(monitor::checkNow, 0, health, TimeUnit.MILLISECONDS);
      }
      long sweep = config.sweepInterval().toMillis();
      if (sweep > 0) {
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, sweep, sweep, TimeUnit.MILLISECONDS);
      }
    } else {
      scheduler = null;
      rotationExecutor = null;
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  // ---------------------------------------------------------------- requests

  @Override
  public EmergencyAccessGrant requestAccess(AccessRequest request) {
    Objects.requireNonNull(request, "request");
    ensureOpen();
    String who = request.requester();
    String account = request.account();
    Optional<Duration> wait = rateLimiter.tryAcquire(who);
    if (wait.isPresent()) {
      recorder.recordRefusal(AuditEventType.ACCESS_DENIED, who, null, account,
          Map.of("reason", ReasonCode.RATE_LIMITED.name(), "retryAfterSeconds", Long.toString(wait.get().toSeconds())),
          who + " is rate limited");
      throw new RateLimitedException(who, wait.get());
    }
    AccountPolicy ap = policy.account(account).orElseThrow(() -> refuseRequest(ReasonCode.UNKNOWN_ACCOUNT,
        "'" + account + "' is not a break-glass account", who, account));
    if (!ap.requesters().contains(who)) {
      throw refuseRequest(ReasonCode.REQUESTER_NOT_ALLOWED,
          "'" + who + "' may not request '" + account + "'", who, account);
    }
    if (ap.emergencyRequired() && !monitor.isEmergency()) {
      throw refuseRequest(ReasonCode.NOT_IN_EMERGENCY,
          "no emergency: the primary identity provider is healthy and no incident is declared", who, account);
    }
    if (ap.reasonRequired() && request.reason().isEmpty()) {
      throw refuseRequest(ReasonCode.MISSING_REASON, "a reason is required for '" + account + "'", who, account);
    }
    if (ap.ticketRequired() && request.ticket() == null) {
      throw refuseRequest(ReasonCode.MISSING_TICKET, "a ticket is required for '" + account + "'", who, account);
    }
    List<String> missing = ap.identificationRequired().stream()
        .filter(kind -> !request.identification().containsKey(kind)).collect(Collectors.toList());
    if (!missing.isEmpty()) {
      throw refuseRequest(ReasonCode.MISSING_IDENTIFICATION,
          "identification required for '" + account + "' is missing: " + missing, who, account);
    }
    if (request.duration().compareTo(ap.maxDuration()) > 0) {
      throw refuseRequest(ReasonCode.DURATION_TOO_LONG, "requested " + request.duration() + " but '" + account
          + "' allows at most " + ap.maxDuration(), who, account);
    }
    checkAccountFree(ap, who);

    Instant now = clock.instant();
    String id = newGrantId();
    Map<String, String> details = new LinkedHashMap<>();
    details.put("reason", request.reason());
    // A fingerprinted ticket is bound into the digest by its fingerprint, so the digest cannot be
    // used to test guesses of the ticket text.
    String auditedTicket = request.ticket() == null || !ap.fingerprintTicket()
        ? request.ticket() : fingerprinter.fingerprint(request.ticket());
    if (auditedTicket != null) {
      details.put("ticket", auditedTicket);
    }
    details.put("duration", request.duration().toString());
    details.put("approvalsRequired", Integer.toString(ap.approvalsRequired()));
    request.identification().forEach((kind, value) -> details.put("identification." + kind,
        fingerprinter.fingerprint(value)));
    if (request.clientAddress() != null) {
      details.put("client", fingerprinter.fingerprint(request.clientAddress()));
    }
    details.put("emergency", describeEmergency());
    String digest = requestDigest(id, who, account, request.reason(), auditedTicket, request.duration(), now,
        details);
    details.put("requestDigest", digest);
    GrantRecord record = new GrantRecord(id, who, account, request.reason(), request.ticket(), request.duration(),
        digest, now, ap.approvalsRequired(), List.of(), GrantStatus.PENDING_APPROVAL, null, null, null, false, 0);

    ReentrantLock lock = lockFor(id);
    lock.lock();
    try {
      if (!reserveAccount(account, id)) {
        checkAccountFree(ap, who);
        throw refuseRequest(ReasonCode.ACCOUNT_IN_USE, "'" + account + "' is held by another grant", who, account);
      }
      try {
        recorder.record(AuditEventType.ACCESS_REQUESTED, who, id, account, details,
            who + " requested break-glass access to " + account + " (" + request.reason() + ")");
      } catch (AuditUnavailableException e) {
        releaseAccount(account, id, false);
        throw e;
      }
      store.insert(record);
      if (ap.approvalsRequired() == 0) {
        issue(record, who);
      }
    } finally {
      lock.unlock();
    }
    return new GrantHandle(this, record);
  }

  private void checkAccountFree(AccountPolicy ap, String who) {
    AccountState state = store.account(ap.name());
    if (state.tainted()) {
      String backup = ap.backupAccount() == null ? "" : "; request the backup account '" + ap.backupAccount() + "'";
      throw refuseRequest(ReasonCode.ACCOUNT_TAINTED, "'" + ap.name()
          + "' is tainted until its credential is rotated after grant " + state.taintedBy() + backup, who, ap.name());
    }
    if (state.holder() != null) {
      throw refuseRequest(ReasonCode.ACCOUNT_IN_USE,
          "'" + ap.name() + "' is held by grant " + state.holder(), who, ap.name());
    }
  }

  private AccessDeniedException refuseRequest(ReasonCode code, String message, String who, String account) {
    recorder.recordRefusal(AuditEventType.ACCESS_DENIED, who, null, account,
        Map.of("reason", code.name(), "detail", message), "request by " + who + " refused: " + message);
    return new AccessDeniedException(code, message);
  }

  private AccessDeniedException refuse(AuditEventType type, ReasonCode code, String message, String actor,
      GrantRecord grant) {
    recorder.recordRefusal(type, actor, grant.id(), grant.account(),
        Map.of("reason", code.name(), "detail", message), message);
    return new AccessDeniedException(code, message, grant.id());
  }

  // ---------------------------------------------------------------- approvals

  @Override
  public EmergencyAccessGrant approve(Approval approval) {
    Objects.requireNonNull(approval, "approval");
    ensureOpen();
    String custodian = approval.custodian();
    try {
      return withGrant(approval.grantId(), custodian, rec -> approveLocked(rec, approval));
    } finally {
      approval.wipeShare();
    }
  }

  private EmergencyAccessGrant approveLocked(GrantRecord rec, Approval approval) {
    String custodian = approval.custodian();
    AccountPolicy ap = accountPolicy(rec);
    Instant now = clock.instant();
    GrantStatus status = effectiveStatus(rec, now);
    if (status == GrantStatus.APPROVAL_EXPIRED) {
      endPending(rec, GrantStatus.APPROVAL_EXPIRED, AuditEventType.APPROVAL_EXPIRED, AuditEvent.SYSTEM,
          "no quorum within " + policy.approvalTimeout());
      throw refuse(AuditEventType.APPROVAL_REFUSED, ReasonCode.APPROVAL_EXPIRED,
          "request " + rec.id() + " waited longer than " + policy.approvalTimeout() + " for approvals", custodian, rec);
    }
    if (status != GrantStatus.PENDING_APPROVAL) {
      throw refuse(AuditEventType.APPROVAL_REFUSED, ReasonCode.GRANT_NOT_ACTIVE,
          "grant " + rec.id() + " is " + status + " and takes no approvals", custodian, rec);
    }
    if (custodian.equals(rec.requester())) {
      throw refuse(AuditEventType.APPROVAL_REFUSED, ReasonCode.SELF_APPROVAL,
          custodian + " may not approve their own request " + rec.id(), custodian, rec);
    }
    if (!ap.custodians().contains(custodian)) {
      throw refuse(AuditEventType.APPROVAL_REFUSED, ReasonCode.NOT_A_CUSTODIAN,
          custodian + " is not a custodian of " + rec.account(), custodian, rec);
    }
    if (!MessageDigest.isEqual(approval.requestDigest().getBytes(StandardCharsets.UTF_8),
        rec.requestDigest().getBytes(StandardCharsets.UTF_8))) {
      throw refuse(AuditEventType.APPROVAL_REFUSED, ReasonCode.APPROVAL_MISMATCH,
          "approval by " + custodian + " was made for a different request than " + rec.id(), custodian, rec);
    }
    if (rec.approvals().stream().anyMatch(a -> a.custodian().equals(custodian))) {
      throw refuse(AuditEventType.APPROVAL_REFUSED, ReasonCode.DUPLICATE_APPROVAL,
          custodian + " has already approved " + rec.id(), custodian, rec);
    }
    if (ap.emergencyRequired() && !monitor.isEmergency()) {
      throw refuse(AuditEventType.APPROVAL_REFUSED, ReasonCode.NOT_IN_EMERGENCY,
          "no emergency: approvals for " + rec.account() + " need an open emergency", custodian, rec);
    }
    int count = rec.approvals().size() + 1;
    Map<String, String> details = new LinkedHashMap<>();
    details.put("approvals", count + " of " + rec.approvalsRequired());
    details.put("requestDigest", rec.requestDigest());
    if (approval.comment() != null) {
      details.put("comment", approval.comment());
    }
    details.put("share", approval.hasShare() ? "attached" : "none");
    recorder.record(AuditEventType.APPROVAL_ACCEPTED, custodian, rec.id(), rec.account(), details,
        custodian + " approved " + rec.requester() + "'s request for " + rec.account() + " (" + count + " of "
            + rec.approvalsRequired() + ")");
    GrantRecord next = rec.withApproval(new ApprovalRecord(custodian, now));
    replace(rec, next);
    if (approval.hasShare()) {
      shares.computeIfAbsent(rec.id(), k -> new ConcurrentHashMap<>()).put(custodian, approval.share().clone());
    }
    if (next.approvals().size() >= next.approvalsRequired()) {
      issue(next, custodian);
    }
    return new GrantHandle(this, next);
  }

  @Override
  public EmergencyAccessGrant deny(String grantId, String custodian, String reason) {
    return withGrant(grantId, custodian, rec -> {
      AccountPolicy ap = accountPolicy(rec);
      if (!ap.custodians().contains(custodian) && !policy.incidentDeclarers().contains(custodian)) {
        throw refuse(AuditEventType.APPROVAL_REFUSED, ReasonCode.NOT_AUTHORIZED,
            custodian + " may not deny requests for " + rec.account(), custodian, rec);
      }
      if (effectiveStatus(rec, clock.instant()) != GrantStatus.PENDING_APPROVAL) {
        throw refuse(AuditEventType.APPROVAL_REFUSED, ReasonCode.GRANT_NOT_ACTIVE,
            "grant " + rec.id() + " is not pending", custodian, rec);
      }
      return new GrantHandle(this, endPending(rec, GrantStatus.DENIED, AuditEventType.REQUEST_DENIED, custodian,
          reason));
    });
  }

  /** Caller holds the grant's lock. */
  private void issue(GrantRecord rec, String actor) {
    Instant now = clock.instant();
    GrantRecord next = rec.issued(now);
    Map<String, String> details = new LinkedHashMap<>();
    details.put("requester", rec.requester());
    details.put("expiresAt", String.valueOf(next.expiresAt()));
    details.put("approvedBy", rec.approvals().stream().map(ApprovalRecord::custodian).collect(Collectors.joining(",")));
    recorder.record(AuditEventType.GRANT_ISSUED, actor, rec.id(), rec.account(), details,
        "grant issued to " + rec.requester() + " for " + rec.account() + " until " + next.expiresAt(),
        issuedAlertId(rec.id()));
    replace(rec, next);
  }

  // ---------------------------------------------------------------- release

  Credential release(String grantId) {
    awaitConfirmedIssueAlert(grantId);
    return withGrant(grantId, AuditEvent.SYSTEM, rec -> {
      GrantStatus status = effectiveStatus(rec, clock.instant());
      if (status != GrantStatus.ACTIVE) {
        throw refuse(AuditEventType.CREDENTIAL_RELEASE_REFUSED, ReasonCode.GRANT_NOT_ACTIVE,
            "grant " + rec.id() + " is " + status + "; its credential cannot be released", rec.requester(), rec);
      }
      if (rec.credentialReleased()) {
        throw refuse(AuditEventType.CREDENTIAL_RELEASE_REFUSED, ReasonCode.ALREADY_RELEASED,
            "the credential of grant " + rec.id() + " has already been released", rec.requester(), rec);
      }
      if (accountPolicy(rec).emergencyRequired() && !monitor.isEmergency()) {
        recorder.recordRefusal(AuditEventType.USE_OUTSIDE_EMERGENCY, rec.requester(), rec.id(), rec.account(),
            Map.of("operation", "release"), "credential release for " + rec.account() + " attempted outside an emergency");
        throw new AccessDeniedException(ReasonCode.NOT_IN_EMERGENCY,
            "no emergency: the credential of " + rec.account() + " is released only during an emergency", rec.id());
      }
      boolean ephemeral = accountPolicy(rec).ephemeral();
      Credential credential = ephemeral
          ? config.ephemeral().mint(rec.account(), rec.id(), Objects.requireNonNull(rec.expiresAt()))
          : readForRelease(rec);
      try {
        recorder.record(AuditEventType.CREDENTIAL_RELEASED, rec.requester(), rec.id(), rec.account(),
            Map.of("credential", fingerprinter.credentialFingerprint(credential.secret()),
                "source", ephemeral ? "ephemeral" : "vault"),
            "credential of " + rec.account() + " released to " + rec.requester());
        replace(rec, rec.withCredentialReleased(true));
        if (!ephemeral) {
          releasedDigests.put(rec.id(), digestOf(credential.secret()));
        }
        forgetShares(rec.id());
        return credential;
      } catch (RuntimeException e) {
        credential.close();
        if (ephemeral) {
          config.ephemeral().forget(rec.id());
        }
        throw e;
      }
    });
  }

  /** The idempotency key of a grant's GRANT_ISSUED alert, the same on every node and after restarts. */
  static String issuedAlertId(String grantId) {
    return grantId + "/" + AuditEventType.GRANT_ISSUED;
  }

  /**
   * Where the account's policy asks for it, waits (outside any lock, bounded by the dispatcher's
   * confirmation timeout) until an alert channel has confirmed the grant's GRANT_ISSUED alert.
   */
  private void awaitConfirmedIssueAlert(String grantId) {
    ensureOpen();
    GrantRecord rec = store.find(grantId).orElse(null);
    if (rec == null || !rec.wasIssued() || !accountPolicy(rec).confirmedAlertBeforeRelease()) {
      return;
    }
    CompletableFuture<Void> confirmed = recorder.confirmation(issuedAlertId(grantId), AuditEventType.GRANT_ISSUED,
        grantId, rec.account(), "grant issued to " + rec.requester() + " for " + rec.account());
    String why;
    try {
      confirmed.get(CONFIRMATION_BOUND.toMillis(), TimeUnit.MILLISECONDS);
      return;
    } catch (ExecutionException e) {
      why = e.getCause() == null ? e.toString() : e.getCause().getMessage();
    } catch (TimeoutException e) {
      why = "no confirmation within " + CONFIRMATION_BOUND.toSeconds() + " s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "interrupted while waiting for confirmation";
    }
    throw refuse(AuditEventType.CREDENTIAL_RELEASE_REFUSED, ReasonCode.ALERT_NOT_CONFIRMED,
        "no alert channel has confirmed delivery of grant " + grantId + "'s alert, so its credential stays in the vault ("
            + why + "); retry when an alert channel is reachable", rec.requester(), rec);
  }

  private Credential readForRelease(GrantRecord rec) {
    if (vault instanceof SealedCredentialVault) {
      Map<String, char[]> collected = shares.getOrDefault(rec.id(), Map.of());
      return ((SealedCredentialVault) vault).read(rec.account(), Map.copyOf(collected));
    }
    return vault.read(rec.account());
  }

  private void forgetShares(String grantId) {
    Map<String, char[]> removed = shares.remove(grantId);
    if (removed != null) {
      removed.values().forEach(s -> Arrays.fill(s, '\0'));
    }
  }

  private byte[] digestOf(char[] secret) {
    return loginVerifier.fingerprint(secret).getBytes(StandardCharsets.US_ASCII);
  }

  // ---------------------------------------------------------------- ending

  @Override
  public EmergencyAccessGrant revoke(String grantId, String actor, String reason) {
    return end(grantId, actor, reason, GrantStatus.REVOKED);
  }

  @Override
  public EmergencyAccessGrant close(String grantId, String actor) {
    return end(grantId, actor, "closed", GrantStatus.CLOSED);
  }

  private EmergencyAccessGrant end(String grantId, String actor, String reason, GrantStatus terminal) {
    return withGrant(grantId, actor, rec -> {
      AccountPolicy ap = accountPolicy(rec);
      boolean allowed = actor.equals(rec.requester()) || ap.custodians().contains(actor)
          || policy.incidentDeclarers().contains(actor);
      AuditEventType type = terminal == GrantStatus.REVOKED ? AuditEventType.GRANT_REVOKED : AuditEventType.GRANT_CLOSED;
      if (!allowed) {
        throw refuse(AuditEventType.ACCESS_DENIED, ReasonCode.NOT_AUTHORIZED,
            actor + " may not " + (terminal == GrantStatus.REVOKED ? "revoke" : "close") + " grant " + rec.id(), actor, rec);
      }
      Instant now = clock.instant();
      GrantStatus status = effectiveStatus(rec, now);
      if (status == GrantStatus.EXPIRED) {
        expire(rec);
      }
      if (status.isTerminal()) {
        throw new AccessDeniedException(ReasonCode.GRANT_NOT_ACTIVE, "grant " + rec.id() + " is already " + status,
            rec.id());
      }
      if (status == GrantStatus.PENDING_APPROVAL) {
        return new GrantHandle(this, endPending(rec, terminal, type, actor, reason));
      }
      return new GrantHandle(this, endIssued(rec, terminal, type, actor, reason, now));
    });
  }

  /** Caller holds the lock. Ends a pending request: no credential left the vault, so no taint. */
  private GrantRecord endPending(GrantRecord rec, GrantStatus terminal, AuditEventType type, String actor,
      String reason) {
    recorder.record(type, actor, rec.id(), rec.account(), Map.of("reason", reason),
        rec.requester() + "'s request for " + rec.account() + " ended: " + terminal);
    GrantRecord next = rec.ended(terminal, clock.instant());
    replace(rec, next);
    forgetShares(rec.id());
    releaseAccount(rec.account(), rec.id(), false);
    return next;
  }

  /** Caller holds the lock. Ends an issued grant: the account is tainted until rotated. */
  private GrantRecord endIssued(GrantRecord rec, GrantStatus terminal, AuditEventType type, String actor,
      String reason, Instant at) {
    recorder.record(type, actor, rec.id(), rec.account(), Map.of("reason", reason),
        "grant " + rec.id() + " for " + rec.account() + " ended: " + terminal);
    GrantRecord next = rec.ended(terminal, at);
    replace(rec, next);
    forgetShares(rec.id());
    releasedDigests.remove(rec.id());
    if (accountPolicy(rec).ephemeral()) {
      // The minted credential dies with its grant: forgetting its verifier is the rotation.
      config.ephemeral().forget(rec.id());
      releaseAccount(rec.account(), rec.id(), false);
      return next;
    }
    releaseAccount(rec.account(), rec.id(), true);
    scheduleRotation(rec.account());
    return next;
  }

  private void expire(GrantRecord rec) {
    endIssued(rec, GrantStatus.EXPIRED, AuditEventType.GRANT_EXPIRED, AuditEvent.SYSTEM,
        "reached its expiry " + rec.expiresAt(), Objects.requireNonNull(rec.expiresAt()));
  }

  private void emergencyEnded(EmergencyState state) {
    if (!policy.endGrantsWhenEmergencyEnds()) {
      return;
    }
    forEachOpenGrant((rec, status) -> {
      if (status == GrantStatus.ACTIVE) {
        endIssued(rec, GrantStatus.CLOSED, AuditEventType.GRANT_CLOSED, AuditEvent.SYSTEM, "emergency ended",
            clock.instant());
      } else if (status == GrantStatus.PENDING_APPROVAL) {
        endPending(rec, GrantStatus.CLOSED, AuditEventType.GRANT_CLOSED, AuditEvent.SYSTEM, "emergency ended");
      }
    });
  }

  /**
   * Runs {@code action} on every pending or active grant under its lock, with its current record and
   * effective status. A failure on one grant is logged and does not stop the others.
   */
  private void forEachOpenGrant(java.util.function.BiConsumer<GrantRecord, GrantStatus> action) {
    for (GrantRecord open : store.findByStatus(EnumSet.of(GrantStatus.PENDING_APPROVAL, GrantStatus.ACTIVE))) {
      ReentrantLock lock = lockFor(open.id());
      lock.lock();
      try {
        GrantRecord rec = store.find(open.id()).orElse(open);
        action.accept(rec, effectiveStatus(rec, clock.instant()));
      } catch (BreakGlassException e) {
        LOG.warn("could not update grant {}: {}", open.id(), e.getMessage());
      } finally {
        lock.unlock();
      }
    }
  }

  // ---------------------------------------------------------------- sweep and rotation

  @Override
  public void sweep() {
    ensureOpen();
    forEachOpenGrant((rec, status) -> {
      if (status == GrantStatus.EXPIRED && rec.status() == GrantStatus.ACTIVE) {
        expire(rec);
      } else if (status == GrantStatus.APPROVAL_EXPIRED && rec.status() == GrantStatus.PENDING_APPROVAL) {
        endPending(rec, GrantStatus.APPROVAL_EXPIRED, AuditEventType.APPROVAL_EXPIRED, AuditEvent.SYSTEM,
            "no quorum within " + policy.approvalTimeout());
      } else if (status == GrantStatus.PENDING_APPROVAL && rec.approvalsRequired() > 0
          && rec.approvals().size() >= rec.approvalsRequired()) {
        issue(rec, AuditEvent.SYSTEM);
      }
    });
    config.ephemeral().purgeExpired();
    Instant now = clock.instant();
    for (String account : policy.accounts().keySet()) {
      AccountState state = store.account(account);
      RetryState retry = rotationRetries.get(account);
      if (state.tainted() && state.holder() == null && (retry == null || !now.isBefore(retry.next))) {
        rotate(account);
      }
    }
  }

  private void sweepQuietly() {
    try {
      if (!closed) {
        sweep();
      }
    } catch (RuntimeException e) {
      LOG.error("expiry sweep failed: {}", e.toString());
    }
  }

  private void scheduleRotation(String account) {
    if (rotationExecutor != null && !closed) {
      rotationExecutor.execute(() -> {
        try {
          rotate(account);
        } catch (RuntimeException e) {
          LOG.error("rotation of {} failed: {}", account, e.toString());
        }
      });
    }
  }

  /**
   * Rotates a tainted account's credential. Audited before and after; on failure the account stays
   * tainted, a critical alert goes out, and the next attempt waits with exponential backoff.
   */
  void rotate(String account) {
    if (rotating.putIfAbsent(account, Boolean.TRUE) != null) {
      return;
    }
    try {
      AccountState state = store.account(account);
      if (!state.tainted()) {
        return;
      }
      Optional<CredentialRotator> rotator = config.rotators().stream().filter(r -> r.supports(account)).findFirst();
      if (rotator.isEmpty()) {
        rotationFailed(account, state, "no configured rotator supports this account");
        return;
      }
      recorder.record(AuditEventType.ROTATION_STARTED, AuditEvent.SYSTEM, state.taintedBy(), account,
          Map.of("rotator", rotator.get().name()), "rotating the credential of " + account);
      try {
        rotator.get().rotate(account, vault);
      } catch (RuntimeException e) {
        rotationFailed(account, state, rotator.get().name() + " failed: " + e.getClass().getSimpleName() + ": "
            + e.getMessage());
        return;
      }
      recorder.record(AuditEventType.CREDENTIAL_ROTATED, AuditEvent.SYSTEM, state.taintedBy(), account,
          Map.of("rotator", rotator.get().name()), "credential of " + account + " rotated; account clean again");
      while (true) {
        AccountState current = store.account(account);
        if (!current.tainted() || store.replaceAccount(current, current.rotated())) {
          break;
        }
      }
      rotationRetries.remove(account);
    } catch (AuditUnavailableException e) {
      LOG.error("rotation of {} not audited, account stays tainted: {}", account, e.getMessage());
      backoff(account);
    } finally {
      rotating.remove(account);
    }
  }

  private void rotationFailed(String account, AccountState state, String why) {
    RetryState retry = backoff(account);
    recorder.recordRefusal(AuditEventType.ROTATION_FAILED, AuditEvent.SYSTEM, state.taintedBy(), account,
        Map.of("error", why, "attempt", Integer.toString(retry.attempts), "nextAttempt", retry.next.toString()),
        "credential rotation of " + account + " FAILED; account stays tainted: " + why);
  }

  private RetryState backoff(String account) {
    return rotationRetries.compute(account, (k, old) -> {
      int attempts = old == null ? 1 : old.attempts + 1;
      return new RetryState(attempts, clock.instant().plus(config.rotationBackoff().delayAfter(attempts)));
    });
  }

  private record RetryState(int attempts, Instant next) {}

  // ---------------------------------------------------------------- freshness

  @Override
  public List<CredentialCheck> checkCredentials() {
    ensureOpen();
    List<CredentialCheck> checks = new ArrayList<>();
    for (AccountPolicy ap : policy.accounts().values()) {
      checks.add(check(ap));
    }
    Map<String, String> details = new LinkedHashMap<>();
    checks.forEach(c -> details.put(c.account(), c.outcome().name()));
    boolean allUsable = checks.stream().allMatch(CredentialCheck::usable);
    recorder.record(allUsable ? AuditEventType.CREDENTIALS_CHECKED : AuditEventType.CREDENTIALS_UNUSABLE,
        AuditEvent.SYSTEM, null, null, details,
        allUsable ? "all " + checks.size() + " break-glass credentials are usable"
            : "UNUSABLE break-glass credentials: " + checks.stream().filter(c -> !c.usable())
                .map(c -> c.account() + "=" + c.outcome()).collect(Collectors.joining(", ")));
    return checks;
  }

  private CredentialCheck check(AccountPolicy ap) {
    String account = ap.name();
    if (ap.ephemeral()) {
      return new CredentialCheck(account, CredentialCheck.Outcome.EPHEMERAL, "a credential is minted per grant");
    }
    if (vault instanceof SealedCredentialVault) {
      return vault.accounts().contains(account)
          ? new CredentialCheck(account, CredentialCheck.Outcome.SEALED, "present; decrypting needs custodians' shares")
          : new CredentialCheck(account, CredentialCheck.Outcome.UNREADABLE, "not in the vault");
    }
    try (Credential c = vault.read(account)) {
      if (c.secret().length == 0) {
        return new CredentialCheck(account, CredentialCheck.Outcome.UNREADABLE, "empty credential");
      }
    } catch (BreakGlassException e) {
      return new CredentialCheck(account, CredentialCheck.Outcome.UNREADABLE, e.getMessage());
    }
    Optional<CredentialRotator> rotator = config.rotators().stream().filter(r -> r.supports(account)).findFirst();
    if (rotator.isEmpty()) {
      return new CredentialCheck(account, CredentialCheck.Outcome.DECRYPTS, "decrypts; no rotator for this account");
    }
    try {
      return rotator.get().verify(account, vault)
          ? new CredentialCheck(account, CredentialCheck.Outcome.FRESH, "authenticates at its target (" + rotator.get().name() + ")")
          : new CredentialCheck(account, CredentialCheck.Outcome.STALE, "rejected by its target (" + rotator.get().name() + ")");
    } catch (UnsupportedOperationException e) {
      return new CredentialCheck(account, CredentialCheck.Outcome.DECRYPTS, "decrypts; " + rotator.get().name()
          + " cannot test it at the target");
    } catch (RuntimeException e) {
      return new CredentialCheck(account, CredentialCheck.Outcome.UNREACHABLE, rotator.get().name() + ": " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- guard

  @Override
  public Authenticator guard(Authenticator primary) {
    return new Guard(primary, this, monitor);
  }

  boolean isBreakGlassAccount(String username) {
    return policy.accounts().containsKey(username);
  }

  /** A break-glass account was presented while the primary is healthy and no incident is declared. */
  AuthenticationFailedException useOutsideEmergency(LoginAttempt attempt) {
    String account = attempt.username();
    AccountState state = store.account(account);
    Map<String, String> details = new LinkedHashMap<>();
    details.put("operation", "login");
    if (attempt.clientAddress() != null) {
      details.put("client", fingerprinter.fingerprint(attempt.clientAddress()));
    }
    recorder.recordRefusal(AuditEventType.USE_OUTSIDE_EMERGENCY, account, state.holder(), account, details,
        "break-glass account " + account + " used while the primary is healthy and no incident is declared");
    return new AuthenticationFailedException(ReasonCode.NOT_IN_EMERGENCY,
        "break-glass account '" + account + "' can only be used during an emergency");
  }

  /** Authenticates a break-glass account through its active grant, or refuses loudly. */
  AuthenticatedPrincipal emergencyLogin(LoginAttempt attempt) {
    ensureOpen();
    String account = attempt.username();
    AccountState state = store.account(account);
    GrantRecord rec = state.holder() == null ? null : store.find(state.holder()).orElse(null);
    Map<String, String> details = new LinkedHashMap<>();
    if (attempt.clientAddress() != null) {
      details.put("client", fingerprinter.fingerprint(attempt.clientAddress()));
    }
    if (rec == null || effectiveStatus(rec, clock.instant()) != GrantStatus.ACTIVE) {
      details.put("reason", ReasonCode.GRANT_NOT_ACTIVE.name());
      recorder.recordRefusal(AuditEventType.EMERGENCY_LOGIN_REFUSED, account, rec == null ? null : rec.id(), account,
          details, "emergency login to " + account + " refused: no active grant");
      throw new AuthenticationFailedException(ReasonCode.GRANT_NOT_ACTIVE,
          "no active break-glass grant for '" + account + "'");
    }
    boolean matches = rec.credentialReleased() && presentedMatches(rec, attempt.secret());
    if (!matches) {
      details.put("reason", ReasonCode.INVALID_CREDENTIALS.name());
      recorder.recordRefusal(AuditEventType.EMERGENCY_LOGIN_REFUSED, account, rec.id(), account, details,
          "emergency login to " + account + " refused: wrong credential");
      throw new AuthenticationFailedException("invalid credentials for '" + account + "'");
    }
    details.put("requester", rec.requester());
    details.put("emergency", describeEmergency());
    recorder.record(AuditEventType.EMERGENCY_LOGIN, rec.requester(), rec.id(), account, details,
        rec.requester() + " signed in as " + account + " through grant " + rec.id());
    return AuthenticatedPrincipal.emergency(account, new GrantHandle(this, rec));
  }

  /**
   * Checks a presented secret against the credential released for {@code rec}: by the keyed digest
   * kept at release (no vault access), or, where another engine instance released it, against the
   * vault's current value. A sealed vault cannot be read without shares, so there only the digest counts.
   */
  private boolean presentedMatches(GrantRecord rec, char[] presented) {
    if (accountPolicy(rec).ephemeral()) {
      return config.ephemeral().verify(rec.account(), presented);
    }
    byte[] expected = releasedDigests.get(rec.id());
    if (expected != null) {
      return MessageDigest.isEqual(expected, digestOf(presented));
    }
    if (vault instanceof SealedCredentialVault) {
      return false;
    }
    try (Credential current = vault.read(rec.account())) {
      return constantTimeEquals(current.secret(), presented);
    }
  }

  static boolean constantTimeEquals(char[] a, char[] b) {
    byte[] x = utf8(a);
    byte[] y = utf8(b);
    try {
      return MessageDigest.isEqual(x, y);
    } finally {
      Arrays.fill(x, (byte) 0);
      Arrays.fill(y, (byte) 0);
    }
  }

  private static byte[] utf8(char[] chars) {
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = new byte[bb.remaining()];
    bb.get(out);
    if (bb.hasArray()) {
      Arrays.fill(bb.array(), (byte) 0);
    }
    return out;
  }

  // ---------------------------------------------------------------- state and queries

  @Override
  public Optional<EmergencyAccessGrant> grant(String grantId) {
    return store.find(grantId).map(r -> new GrantHandle(this, r));
  }

  @Override
  public List<EmergencyAccessGrant> openGrants() {
    Instant now = clock.instant();
    List<EmergencyAccessGrant> out = new ArrayList<>();
    for (GrantRecord r : store.findByStatus(EnumSet.of(GrantStatus.PENDING_APPROVAL, GrantStatus.ACTIVE))) {
      if (!effectiveStatus(r, now).isTerminal()) {
        out.add(new GrantHandle(this, r));
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
    ensureOpen();
    return monitor.declare(actor, reason);
  }

  @Override
  public void closeIncident(String actor, String reason) {
    ensureOpen();
    monitor.closeIncident(actor, reason);
  }

  /** Runs the health probes once now (the background monitor does this on its schedule). */
  public void checkHealthNow() {
    monitor.checkNow();
  }

  @Override
  public BreakGlassPolicy policy() {
    return policy;
  }

  GrantRecord current(String grantId) {
    return store.find(grantId).orElseThrow(() -> new AccessDeniedException(ReasonCode.GRANT_NOT_FOUND,
        "no grant " + grantId, grantId));
  }

  GrantStatus effectiveStatus(GrantRecord rec) {
    return effectiveStatus(rec, clock.instant());
  }

  GrantStatus effectiveStatus(GrantRecord rec, Instant now) {
    if (rec.status() == GrantStatus.ACTIVE && rec.expiresAt() != null && !now.isBefore(rec.expiresAt())) {
      return GrantStatus.EXPIRED;
    }
    if (rec.status() == GrantStatus.PENDING_APPROVAL
        && !now.isBefore(rec.requestedAt().plus(policy.approvalTimeout()))) {
      return GrantStatus.APPROVAL_EXPIRED;
    }
    return rec.status();
  }

  private GrantRecord load(String grantId, String actor) {
    Optional<GrantRecord> rec = store.find(grantId);
    if (rec.isEmpty()) {
      recorder.recordRefusal(AuditEventType.ACCESS_DENIED, actor, grantId, null,
          Map.of("reason", ReasonCode.GRANT_NOT_FOUND.name()), actor + " referred to unknown grant " + grantId);
      throw new AccessDeniedException(ReasonCode.GRANT_NOT_FOUND, "no grant " + grantId, grantId);
    }
    return rec.get();
  }

  private AccountPolicy accountPolicy(GrantRecord rec) {
    return policy.account(rec.account()).orElseThrow(() -> new AccessDeniedException(ReasonCode.UNKNOWN_ACCOUNT,
        "grant " + rec.id() + " is for '" + rec.account() + "', which the policy no longer names", rec.id()));
  }

  private void replace(GrantRecord expected, GrantRecord updated) {
    if (!store.replace(expected, updated)) {
      throw new BreakGlassException(ReasonCode.GRANT_NOT_ACTIVE,
          "grant " + expected.id() + " was changed concurrently (by another node); retry");
    }
  }

  private boolean reserveAccount(String account, String grantId) {
    while (true) {
      AccountState s = store.account(account);
      if (s.holder() != null || s.tainted()) {
        return false;
      }
      if (store.replaceAccount(s, s.heldBy(grantId))) {
        return true;
      }
    }
  }

  private void releaseAccount(String account, String grantId, boolean taint) {
    while (true) {
      AccountState s = store.account(account);
      AccountState next;
      if (taint) {
        next = s.releasedAndTainted(grantId);
      } else if (grantId.equals(s.holder())) {
        next = s.heldBy(null);
      } else {
        return;
      }
      if (store.replaceAccount(s, next)) {
        return;
      }
    }
  }

  /** Loads a grant (refusing, audited, if it does not exist) and runs {@code action} under its lock. */
  private <T> T withGrant(String grantId, String actor, java.util.function.Function<GrantRecord, T> action) {
    ensureOpen();
    ReentrantLock lock = lockFor(grantId);
    lock.lock();
    try {
      return action.apply(load(grantId, actor));
    } finally {
      lock.unlock();
    }
  }

  private ReentrantLock lockFor(String grantId) {
    return grantLocks[Math.floorMod(grantId.hashCode(), STRIPES)];
  }

  private String newGrantId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return "bg-" + HexFormat.of().formatHex(b);
  }

  private String describeEmergency() {
    EmergencyState s = monitor.state();
    if (!s.isEmergency()) {
      return "none";
    }
    return !s.primaryHealthy() ? "primary-unhealthy" : "incident:" + Objects.requireNonNull(s.incident()).id();
  }

  static String requestDigest(String id, String requester, String account, String reason, @Nullable String ticket,
      Duration duration, Instant requestedAt, Map<String, String> details) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      List<String> parts = new ArrayList<>(List.of(id, requester, account, reason, ticket == null ? "" : ticket,
          duration.toString(), requestedAt.toString()));
      new java.util.TreeMap<>(details).forEach((k, v) -> {
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
    new ArrayList<>(shares.keySet()).forEach(this::forgetShares);
    releasedDigests.clear();
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (rotationExecutor != null) {
      rotationExecutor.shutdown();
      try {
        rotationExecutor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<AutoCloseable> owned = new ArrayList<>(config.owned());
    java.util.Collections.reverse(owned);
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}

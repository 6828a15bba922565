package dev.breakglass.core.internal;

import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.GrantStatus;
import dev.breakglass.Identity;
import dev.breakglass.LoginAttempt;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard's path for break-glass accounts: which user names are break-glass accounts (by the
 * {@link Identity} rule), the throttle, the check of a login against the account's active grant,
 * and what is recorded and answered when it is refused.
 *
 * <h2>One answer</h2>
 * A caller learns nothing from a refusal: outside an emergency it gets what the primary answered
 * (exactly what any unknown user gets); during one, every refusal (no active grant, a wrong or
 * never-released credential, a throttled attempt) is the same {@link AuthenticationFailedException}
 * with {@link ReasonCode#INVALID_CREDENTIALS} and the message {@value #REFUSED}, naming no account.
 * The precise reason is only in the audit record ({@code reason} of {@code EMERGENCY_LOGIN_REFUSED}).
 *
 * <h2>Throttled and coalesced</h2>
 * {@link LoginThrottle} turns attempts away unchecked while their account or client is blocked;
 * {@link LoginRefusals} alerts the first refusal of a quiet account at once and then one summary per
 * window. Thread-safe.
 */
final class EmergencyLogins {
  private static final Logger LOG = LoggerFactory.getLogger(EmergencyLogins.class);
  /** The message of every refusal during an emergency. */
  static final String REFUSED = "invalid credentials";
  /** The throttle key of attempts that carry no client address: they share one budget. */
  static final String UNKNOWN_CLIENT = "(no client address)";
  /** How long a window of coalesced login alerts lasts. */
  static final Duration ALERT_WINDOW = Duration.ofMinutes(1);

  private final BreakGlassPolicy policy;
  private final Map<String, String> accountsByKey = new HashMap<>();
  private final GrantStateMachine grants;
  private final GrantRules rules;
  private final AccountLedger accounts;
  private final Recorder recorder;
  private final EmergencyMonitor monitor;
  private final CredentialRelease release;
  private final LoginThrottle throttle;
  private final LoginRefusals refusals;

  EmergencyLogins(BreakGlassPolicy policy, GrantStateMachine grants, GrantRules rules, AccountLedger accounts,
      Recorder recorder, EmergencyMonitor monitor, CredentialRelease release, LoginThrottle throttle) {
    this.policy = policy;
    policy.accounts().keySet().forEach(name -> accountsByKey.put(Identity.key(name), name));
    this.grants = grants;
    this.rules = rules;
    this.accounts = accounts;
    this.recorder = recorder;
    this.monitor = monitor;
    this.release = release;
    this.throttle = throttle;
    this.refusals = new LoginRefusals(recorder, ALERT_WINDOW);
  }

  /** The policy's name of the break-glass account {@code username} names, however spelled; {@code null} if none. */
  @Nullable String account(String username) {
    if (policy.accounts().containsKey(username)) {
      return username;
    }
    return accountsByKey.get(Identity.key(username));
  }

  /**
   * A break-glass account was presented while the primary is healthy and no incident is declared,
   * and the primary rejected it: recorded (or counted, when throttled) as a use outside an
   * emergency.
   *
   * @param primaryAnswer what the primary answered; it is what the caller gets
   * @return the exception for the caller to throw
   */
  RuntimeException outsideEmergency(LoginAttempt attempt, RuntimeException primaryAnswer) {
    String account = java.util.Objects.requireNonNull(account(attempt.username()), "not a break-glass account");
    String client = clientKey(attempt);
    if (throttle.blockedUntil(account, client) != null) {
      refusals.throttled(account, AuditEventType.USE_OUTSIDE_EMERGENCY);
      return primaryAnswer;
    }
    throttle.failed(account, client);
    AccountState state = accounts.state(account);
    AuditDetails details = recorder.details().put("operation", "login");
    if (attempt.clientAddress() != null) {
      details.put("client", attempt.clientAddress());
    }
    record(AuditEventType.USE_OUTSIDE_EMERGENCY, account, state.holder(), details,
        "break-glass account " + account + " used while the primary is healthy and no incident is declared");
    return primaryAnswer;
  }

  /**
   * Authenticates a break-glass account through its active grant, or refuses with the one answer.
   *
   * @param primaryAnswer the primary's infrastructure failure when the guard came here because the
   *     primary failed, or {@code null} during an emergency; outside an emergency the caller gets it
   * @return the grant the login went through
   */
  GrantRecord login(LoginAttempt attempt, @Nullable RuntimeException primaryAnswer) {
    String account = java.util.Objects.requireNonNull(account(attempt.username()), "not a break-glass account");
    AccountPolicy ap = policy.accounts().get(account);
    String client = clientKey(attempt);
    boolean outside = ap.emergencyRequired() && !monitor.isEmergency();
    AuditEventType kind = outside ? AuditEventType.USE_OUTSIDE_EMERGENCY : AuditEventType.EMERGENCY_LOGIN_REFUSED;
    if (throttle.blockedUntil(account, client) != null) {
      refusals.throttled(account, kind);
      throw answer(outside, primaryAnswer);
    }
    AccountState state = accounts.state(account);
    AuditDetails details = recorder.details();
    if (outside) {
      // The guard also comes here when the primary fails; that is no emergency by itself.
      throttle.failed(account, client);
      details.put("operation", "login");
      putClient(details, attempt);
      record(kind, account, state.holder(), details,
          "break-glass account " + account + " used while the primary is healthy and no incident is declared");
      throw answer(true, primaryAnswer);
    }
    putClient(details, attempt);
    @Nullable GrantRecord rec = state.holder() == null ? null : grants.find(state.holder()).orElse(null);
    ReasonCode why = null;
    if (rec == null || rules.status(rec) != GrantStatus.ACTIVE) {
      why = ReasonCode.GRANT_NOT_ACTIVE;
    } else if (DrillGrants.isDrill(rec.id())) {
      why = ReasonCode.DRILL_GRANT;
    } else if (!rec.credentialReleased() || !release.presentedMatches(rec, attempt.secret())) {
      why = ReasonCode.INVALID_CREDENTIALS;
    }
    if (why != null) {
      throttle.failed(account, client);
      details.put("reason", why.name());
      record(kind, account, rec == null ? null : rec.id(), details, "emergency login to " + account + " refused: "
          + (why == ReasonCode.GRANT_NOT_ACTIVE ? "no active grant"
              : why == ReasonCode.DRILL_GRANT ? "it is held by drill grant " + rec.id() + ", which is never real access"
              : "wrong credential"));
      throw answer(false, null);
    }
    throttle.succeeded(account, client);
    details.put("requester", rec.requester());
    details.put("emergency", monitor.describe());
    recorder.record(AuditEventType.EMERGENCY_LOGIN, rec.requester(), rec.id(), account, details,
        rec.requester() + " signed in as " + account + " through grant " + rec.id());
    return rec;
  }

  /** Summarizes the windows of coalesced refusals that have ended (the engine's sweep). */
  void sweep() {
    refusals.flush();
  }

  /** Summarizes everything still counted (the engine is closing). */
  void close() {
    refusals.close();
  }

  private static RuntimeException answer(boolean outside, @Nullable RuntimeException primaryAnswer) {
    if (outside && primaryAnswer != null) {
      return primaryAnswer;
    }
    return new AuthenticationFailedException(ReasonCode.INVALID_CREDENTIALS, REFUSED);
  }

  /** Audits a refusal; alerts it now, or leaves it to the window's summary. The login is refused either way. */
  private void record(AuditEventType type, String account, @Nullable String grantId, AuditDetails details,
      String summary) {
    boolean alertNow = refusals.recorded(account, type);
    if (alertNow) {
      recorder.recordRefusal(type, account, grantId, account, details, summary);
      return;
    }
    try {
      recorder.audit(type, account, grantId, account, details);
    } catch (AuditUnavailableException e) {
      LOG.error("could not audit {} for account {}: {}", type, account, e.getMessage());
      recorder.alert(new dev.breakglass.AuditEvent(recorder.clock().instant(), type, account, grantId, account,
          details.asMap()), summary + " (audit unavailable)", UUID.randomUUID().toString());
    }
  }

  private static void putClient(AuditDetails details, LoginAttempt attempt) {
    if (attempt.clientAddress() != null) {
      details.put("client", attempt.clientAddress());
    }
  }

  private static String clientKey(LoginAttempt attempt) {
    String client = attempt.clientAddress();
    return client == null || client.isEmpty() ? UNKNOWN_CLIENT : client;
  }
}

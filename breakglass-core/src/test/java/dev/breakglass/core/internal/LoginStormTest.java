package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.CANARY;
import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlassException;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.LoginAttempt;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Login storms and account enumeration: refused break-glass logins are throttled per account and
 * per client with backoff, their alerts are coalesced into one summary per window, every attempt is
 * still accounted for in the audit log, and the caller gets one answer whatever the reason.
 */
class LoginStormTest extends EngineTestBase {
  static final String ATTACKER = "203.0.113.9";
  Authenticator guard;

  @BeforeEach
  void guard() {
    guard = f.engine.guard(attempt -> {
      if (attempt.username().equals("jane") && new String(attempt.secret()).equals("jane-pw")) {
        return AuthenticatedPrincipal.of("jane");
      }
      throw new AuthenticationFailedException("unknown user or wrong password");
    });
  }

  private Throwable login(String user, String secret, String client) {
    return catchThrowable(() -> guard.authenticate(LoginAttempt.of(user, secret.toCharArray(), client)));
  }

  private List<Alert> alerts(AuditEventType type) {
    return f.alerts.received().stream().filter(a -> a.type() == type).collect(Collectors.toList());
  }

  /** The finding: 200 logins gave 602 fsynced audit records and 201 CRITICAL alerts. */
  @Test
  void aStormOutsideAnEmergencyIsThrottledCoalescedAndStillAccountedFor() throws Exception {
    for (int i = 0; i < 200; i++) {
      assertThat(login(DB, "guess-" + i, ATTACKER)).isInstanceOf(AuthenticationFailedException.class);
    }
    long recordedOneByOne = f.count(AuditEventType.USE_OUTSIDE_EMERGENCY);
    assertThat(recordedOneByOne).as("checked before the client was blocked").isEqualTo(5);
    f.clock.advance(Duration.ofSeconds(61));
    f.engine.sweep();
    Alert summaryAlert = f.alerts.await(AuditEventType.LOGIN_REFUSALS_SUMMARIZED);
    f.alerts.await(AuditEventType.USE_OUTSIDE_EMERGENCY);
    assertThat(summaryAlert.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(summaryAlert.account()).isEqualTo(DB);

    List<AuditEvent> summaries = f.events().stream()
        .filter(e -> e.type() == AuditEventType.LOGIN_REFUSALS_SUMMARIZED).collect(Collectors.toList());
    assertThat(summaries).hasSize(1);
    Map<String, String> d = summaries.get(0).details();
    assertThat(d).containsEntry("event", "USE_OUTSIDE_EMERGENCY").containsEntry("refused", "195")
        .containsEntry("coalesced", "4");
    assertThat(recordedOneByOne + Long.parseLong(d.get("refused"))).as("every attempt is in the log once").isEqualTo(200);
    assertThat(alerts(AuditEventType.USE_OUTSIDE_EMERGENCY)).as("one alert at the start of the storm").hasSize(1);
    assertThat(f.alerts.received().stream().filter(a -> a.severity() == Severity.CRITICAL)).hasSize(2);
    assertThat(f.events()).as("audit records for 200 logins").hasSize(6);
  }

  @Test
  void aSustainedStormGivesOneSummaryPerWindowAndAQuietAccountAlertsAtOnceAgain() throws Exception {
    for (int minute = 0; minute < 3; minute++) {
      for (int i = 0; i < 10; i++) {
        login(DB, "guess", "198.51.100." + (minute * 10 + i));
      }
      f.clock.advance(Duration.ofSeconds(60));
    }
    f.engine.sweep();
    f.clock.advance(Duration.ofSeconds(60));
    f.engine.sweep();
    assertThat(f.count(AuditEventType.LOGIN_REFUSALS_SUMMARIZED)).as("one per window").isEqualTo(3);
    assertThat(f.count(AuditEventType.USE_OUTSIDE_EMERGENCY)).as("different clients: each checked and recorded")
        .isEqualTo(30);
    f.clock.advance(Duration.ofMinutes(10));
    login(DB, "guess", "192.0.2.1");
    // Delivery is asynchronous: wait for a second alert (and see a third if coalescing failed).
    f.alerts.await(AuditEventType.USE_OUTSIDE_EMERGENCY, 2);
    f.engine.close();
    List<Alert> individual = alerts(AuditEventType.USE_OUTSIDE_EMERGENCY);
    assertThat(individual).as("the start of the storm and the next refusal after a quiet spell").hasSize(2);
  }

  @Test
  void aBlockedClientIsRefusedUncheckedWhileOthersStillGetIn() {
    EmergencyAccessGrant grant = f.activeDbGrant();
    String secret = new String(grant.releaseCredential().secret());
    for (int i = 0; i < 5; i++) {
      login(DB, "wrong", ATTACKER);
    }
    assertThat(login(DB, secret, ATTACKER)).as("blocked: the right credential is not even checked")
        .isInstanceOf(AuthenticationFailedException.class);
    assertThat(login(DB, secret, "10.1.2.3")).as("another client is not blocked").isNull();
    f.clock.advance(Duration.ofSeconds(61));
    assertThat(login(DB, secret, ATTACKER)).as("the block has ended").isNull();
  }

  @Test
  void blocksOfAClientThatKeepsFailingGrowUpToTheLimit() {
    f.openEmergency();
    List<Duration> blocks = new ArrayList<>();
    for (int round = 0; round < 6; round++) {
      int failures = 0;
      while (checked(() -> login(DB, "wrong", ATTACKER))) {
        // fail until the client is blocked
        assertThat(++failures).as("failures before the client is blocked").isLessThan(50);
      }
      Duration blocked = Duration.ZERO;
      do {
        f.clock.advance(Duration.ofSeconds(15));
        blocked = blocked.plusSeconds(15);
        assertThat(blocked).as("block of round %d", round).isLessThan(Duration.ofHours(1));
      } while (!checked(() -> login(DB, "wrong", ATTACKER)));
      blocks.add(blocked);
    }
    assertThat(blocks).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4),
        Duration.ofMinutes(8), Duration.ofMinutes(15), Duration.ofMinutes(15));
  }

  /** Whether the login was checked (and so recorded one by one) rather than turned away by the throttle. */
  private boolean checked(Runnable login) {
    long before = f.count(AuditEventType.EMERGENCY_LOGIN_REFUSED);
    login.run();
    return f.count(AuditEventType.EMERGENCY_LOGIN_REFUSED) > before;
  }

  @Test
  void manyClientsTogetherBlockTheAccountForAShorterTime() {
    EmergencyAccessGrant grant = f.activeDbGrant();
    String secret = new String(grant.releaseCredential().secret());
    for (int i = 0; i < 20; i++) {
      login(DB, "wrong", "198.51.100." + i);
    }
    assertThat(login(DB, secret, "10.1.2.3")).as("the account is blocked for every client")
        .isInstanceOf(AuthenticationFailedException.class);
    f.clock.advance(Duration.ofSeconds(31));
    assertThat(login(DB, secret, "10.1.2.3")).isNull();
  }

  /** The finding: NOT_IN_EMERGENCY naming the account vs INVALID_CREDENTIALS, GRANT_NOT_ACTIVE vs a wrong credential. */
  @Test
  void theCallerGetsOneAnswerWhateverTheReason() {
    Throwable unknownUser = login("nobody", "pw", "10.0.0.1");
    Throwable outside = login(DB, "pw", "10.0.0.2");
    assertThat(outside).as("outside an emergency: what the primary says to anyone")
        .isInstanceOf(AuthenticationFailedException.class).hasMessage(unknownUser.getMessage());
    assertThat(code(outside)).isEqualTo(code(unknownUser)).isEqualTo(ReasonCode.INVALID_CREDENTIALS);

    f.openEmergency();
    Throwable noGrant = login(DB, CANARY, "10.0.0.3");
    EmergencyAccessGrant grant = f.engine.requestAccess(f.dbRequest("alice").build());
    Throwable pending = login(DB, CANARY, "10.0.0.4");
    f.engine.approve(dev.breakglass.Approval.of(grant, "carol"));
    f.engine.approve(dev.breakglass.Approval.of(grant, "dave"));
    Throwable notReleased = login(DB, CANARY, "10.0.0.5");
    grant.releaseCredential().close();
    Throwable wrong = login(DB, "wrong", "10.0.0.6");
    for (int i = 0; i < 5; i++) {
      login(DB, "wrong", "10.0.0.7");
    }
    Throwable throttled = login(DB, "wrong", "10.0.0.7");
    for (Throwable t : List.of(noGrant, pending, notReleased, wrong, throttled)) {
      assertThat(t).isExactlyInstanceOf(AuthenticationFailedException.class).hasMessage("invalid credentials")
          .hasNoCause();
      assertThat(code(t)).isEqualTo(ReasonCode.INVALID_CREDENTIALS);
    }
    assertThat(f.events().stream().filter(e -> e.type() == AuditEventType.EMERGENCY_LOGIN_REFUSED)
        .map(e -> e.details().get("reason")))
        .as("the precise reason is in the audit log only")
        .startsWith("GRANT_NOT_ACTIVE", "GRANT_NOT_ACTIVE", "INVALID_CREDENTIALS", "INVALID_CREDENTIALS");
  }

  private static ReasonCode code(Throwable t) {
    return ((BreakGlassException) t).code();
  }
}

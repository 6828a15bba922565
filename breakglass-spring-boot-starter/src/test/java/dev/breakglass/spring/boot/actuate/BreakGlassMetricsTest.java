package dev.breakglass.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertDeliveryException;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spring.boot.BreakGlassActuatorAutoConfiguration;
import dev.breakglass.spring.boot.BreakGlassAuditEvent;
import dev.breakglass.spring.boot.BreakGlassAutoConfiguration;
import dev.breakglass.spring.boot.BreakGlassSecurityAutoConfiguration;
import dev.breakglass.spring.security.BreakGlassAuthenticationException;
import dev.breakglass.spring.security.BreakGlassAuthenticationProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * A scripted incident through the starter's beans, then every meter the starter documents is read
 * back: emergency state, requests, grants, denials, releases and logins by reason code, audit append
 * latency, alert deliveries and failures, outbox depth and tainted accounts; and an application event
 * was published for every step.
 */
class BreakGlassMetricsTest {
  @TempDir Path dir;

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(BreakGlassAutoConfiguration.class,
          BreakGlassSecurityAutoConfiguration.class, BreakGlassActuatorAutoConfiguration.class))
      .withUserConfiguration(Beans.class);

  /** A pager that answers only when the test opens its gate: alerts wait in the outbox meanwhile. */
  static final class GatedChannel implements AlertChannel {
    final CountDownLatch gate = new CountDownLatch(1);
    final List<Alert> delivered = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "pager";
    }

    @Override
    public void deliver(Alert alert) {
      try {
        if (!gate.await(2, TimeUnit.MINUTES)) {
          throw new AlertDeliveryException("gate stayed closed", true);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AlertDeliveryException("interrupted", true);
      }
      delivered.add(alert);
    }

    long audited() {
      return delivered.stream().filter(a -> a.type() != AuditEventType.AUDIT_CHECKPOINT).count();
    }
  }

  /**
   * A channel whose receiver refuses every alert for good. It answers only once the test has bound the
   * meters, so that every one of its failures, the first alert's included, is counted.
   */
  static final class BrokenChannel implements AlertChannel {
    final CountDownLatch answering = new CountDownLatch(1);

    @Override
    public String name() {
      return "broken";
    }

    @Override
    public void deliver(Alert alert) {
      try {
        answering.await(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new AlertDeliveryException("receiver answered 400: bad payload", false);
    }
  }

  static final class Events {
    final List<AuditEventType> types = new CopyOnWriteArrayList<>();

    @EventListener
    void on(BreakGlassAuditEvent e) {
      types.add(e.type());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Beans {
    @Bean(destroyMethod = "close")
    CredentialVault vault(Environment env) {
      EncryptedFileVault vault = EncryptedFileVault.create(Path.of(env.getRequiredProperty("test.vault")),
          "a vault passphrase".toCharArray(), Argon2Parameters.recommended());
      vault.write("db-admin", "staged-db-secret".toCharArray());
      return vault;
    }

    @Bean(destroyMethod = "")
    GatedChannel pager() {
      return new GatedChannel();
    }

    @Bean(destroyMethod = "")
    BrokenChannel broken() {
      return new BrokenChannel();
    }

    @Bean
    UserDetailsService users() {
      return new InMemoryUserDetailsManager(User.withUsername("bob").password("{noop}bob-password").roles("USER")
          .build());
    }

    @Bean
    Events events() {
      return new Events();
    }

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Test
  void everyMeterCarriesTheRightValueAfterAScriptedIncident() {
    runner.withPropertyValues("breakglass.policy=classpath:metrics-policy.yaml",
        "breakglass.data-directory=" + dir.resolve("data"), "test.vault=" + dir.resolve("vault.json"),
        "breakglass.properties.alert.retry.initial-backoff=10ms",
        "breakglass.properties.alert.retry.max-backoff=20ms").run(context -> {
          assertThat(context).hasNotFailed();
          BreakGlass breakGlass = context.getBean(BreakGlass.class);
          MeterRegistry meters = context.getBean(MeterRegistry.class);
          context.getBean(BreakGlassMetrics.class).bindTo(meters);  // what Boot's metrics auto-configuration does
          context.getBean(BrokenChannel.class).answering.countDown();
          BreakGlassAuthenticationProvider login = context.getBean(BreakGlassAuthenticationProvider.class);
          GatedChannel pager = context.getBean(GatedChannel.class);
          Events events = context.getBean(Events.class);

          assertThat(gauge(meters, "breakglass.emergency")).isZero();
          assertThat(gauge(meters, "breakglass.primary.healthy")).isOne();

          // Outside an emergency: the break-glass account is refused at the login, loudly.
          // The caller gets the application's own answer; the meters count the refusal by its audited reason.
          assertThatThrownBy(() -> signIn(login, "db-admin", "staged-db-secret"))
              .isExactlyInstanceOf(BadCredentialsException.class);
          assertThat(signIn(login, "bob", "bob-password").getName()).isEqualTo("bob");

          breakGlass.declareIncident("sre-lead", "IdP outage");
          assertThat(gauge(meters, "breakglass.emergency")).isOne();
          assertThat(gauge(meters, "breakglass.incident.declared")).isOne();

          assertThatThrownBy(() -> breakGlass.requestAccess(request("bob")))
              .isInstanceOfSatisfying(AccessDeniedException.class,
                  e -> assertThat(e.code()).isEqualTo(ReasonCode.REQUESTER_NOT_ALLOWED));
          EmergencyAccessGrant grant = breakGlass.requestAccess(request("alice"));
          assertThat(gauge(meters, "breakglass.grants.open")).isOne();
          breakGlass.approve(Approval.of(grant, "carol"));
          String secret;
          try (Credential credential = grant.releaseCredential()) {
            secret = new String(credential.secret());
          }
          Authentication emergency = signIn(login, "db-admin", secret);
          assertThat(emergency.getAuthorities()).extracting(GrantedAuthority::getAuthority)
              .containsExactly("ROLE_BREAK_GLASS");
          assertThatThrownBy(() -> signIn(login, "db-admin", "not-the-secret"))
              .isInstanceOfSatisfying(BreakGlassAuthenticationException.class,
                  e -> assertThat(e.code()).isEqualTo(ReasonCode.INVALID_CREDENTIALS));
          assertThatThrownBy(() -> signIn(login, "bob", "wrong")).isInstanceOf(BadCredentialsException.class);

          breakGlass.revoke(grant.id(), "carol", "outage over");
          breakGlass.closeIncident("sre-lead", "IdP back");
          // No rotator supports db-admin: its rotation fails and it stays tainted, visibly.
          breakGlass.sweep();
          await(() -> count(meters, "breakglass.rotations", "outcome", "failure") >= 1);

          assertThat(gauge(meters, "breakglass.emergency")).isZero();
          assertThat(gauge(meters, "breakglass.incident.declared")).isZero();
          assertThat(gauge(meters, "breakglass.grants.open")).isZero();
          assertThat(gauge(meters, "breakglass.accounts.tainted")).isOne();
          assertThat(count(meters, "breakglass.requests")).isOne();
          assertThat(count(meters, "breakglass.grants")).isOne();
          assertThat(count(meters, "breakglass.releases")).isOne();
          assertThat(count(meters, "breakglass.grants.ended", "status", "revoked")).isOne();
          assertThat(count(meters, "breakglass.logins", "outcome", "success")).isOne();
          assertThat(count(meters, "breakglass.logins", "outcome", "refused", "reason", "NOT_IN_EMERGENCY")).isOne();
          assertThat(count(meters, "breakglass.logins", "outcome", "refused", "reason", "INVALID_CREDENTIALS")).isOne();
          assertThat(count(meters, "breakglass.denials", "reason", "NOT_IN_EMERGENCY")).isOne();
          assertThat(count(meters, "breakglass.denials", "reason", "REQUESTER_NOT_ALLOWED")).isOne();
          assertThat(count(meters, "breakglass.denials", "reason", "INVALID_CREDENTIALS")).isOne();
          assertThat(count(meters, "breakglass.denials")).as("normal users' failures are not denials").isEqualTo(3);

          // The broken channel fails every alert for good; the pager holds them all in the outbox.
          await(() -> failedOn(meters, "broken") >= 1);
          assertThat(gauge(meters, "breakglass.alerts.outbox.depth")).isPositive();
          assertThat(pager.delivered).isEmpty();

          pager.gate.countDown();
          await(() -> gauge(meters, "breakglass.alerts.outbox.depth") == 0);
          // Copies of signed checkpoints go to every channel too, but they are not audited and not counted.
          await(() -> deliveredOn(meters, "pager") == pager.audited());
          assertThat(pager.audited()).isPositive();
          // Every audited alert, ENGINE_STARTED included, failed for good on the broken channel after binding.
          assertThat(pager.delivered).extracting(Alert::type).contains(AuditEventType.ENGINE_STARTED);
          await(() -> failedOn(meters, "broken") == pager.audited());

          // Every audit record since the meters were bound was timed, and only those.
          Timer appends = meters.get("breakglass.audit.append").tag("outcome", "success").timer();
          assertThat(appends.count()).isEqualTo((long) count(meters, "breakglass.events"));
          assertThat(appends.totalTime(TimeUnit.NANOSECONDS)).isPositive();
          assertThat(events.types).contains(AuditEventType.USE_OUTSIDE_EMERGENCY, AuditEventType.INCIDENT_DECLARED,
              AuditEventType.EMERGENCY_OPENED, AuditEventType.ACCESS_DENIED, AuditEventType.ACCESS_REQUESTED,
              AuditEventType.APPROVAL_ACCEPTED, AuditEventType.GRANT_ISSUED, AuditEventType.CREDENTIAL_RELEASED,
              AuditEventType.EMERGENCY_LOGIN, AuditEventType.EMERGENCY_LOGIN_REFUSED, AuditEventType.GRANT_REVOKED,
              AuditEventType.INCIDENT_CLOSED, AuditEventType.EMERGENCY_CLOSED, AuditEventType.ROTATION_FAILED,
              AuditEventType.ALERT_DELIVERED, AuditEventType.ALERT_FAILED);
        });
  }

  private static AccessRequest request(String requester) {
    return AccessRequest.builder().requester(requester).account("db-admin").reason("IdP outage")
        .ticket("INC-7").duration(Duration.ofMinutes(10)).build();
  }

  private static Authentication signIn(BreakGlassAuthenticationProvider login, String user, String password) {
    return login.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(user, password));
  }

  private static double gauge(MeterRegistry meters, String name) {
    return meters.get(name).gauge().value();
  }

  private static double count(MeterRegistry meters, String name, String... tags) {
    return meters.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static double failedOn(MeterRegistry meters, String channel) {
    return meters.find("breakglass.alerts").tag("outcome", "failed").counters().stream()
        .filter(c -> c.getId().getTag("channel").endsWith("-" + channel)).mapToDouble(Counter::count).sum();
  }

  private static long deliveredOn(MeterRegistry meters, String channel) {
    return (long) meters.find("breakglass.alerts").tag("outcome", "delivered").counters().stream()
        .filter(c -> c.getId().getTag("channel").endsWith("-" + channel)).mapToDouble(Counter::count).sum();
  }

  /** Alert delivery and rotation run on the engine's threads; waits generously, then fails. */
  private static void await(BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 3000 && !condition.getAsBoolean(); i++) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).as("condition reached within 30 s").isTrue();
  }
}

package dev.breakglass.spring.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.Severity;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/** The provider inside a real ProviderManager, over a real engine and a real user store. */
class BreakGlassAuthenticationProviderTest {
  @TempDir Path dir;

  private final List<Alert> alerts = new CopyOnWriteArrayList<>();
  private final AtomicBoolean storeDown = new AtomicBoolean();
  private EncryptedFileVault vault;
  private BreakGlass breakGlass;
  private AuthenticationManager manager;

  @BeforeEach
  void setUp() {
    vault = EncryptedFileVault.create(dir.resolve("vault.json"), "a vault passphrase".toCharArray(),
        Argon2Parameters.recommended());
    vault.write("app-admin", "staged-secret".toCharArray());
    breakGlass = BreakGlassEngine.builder()
        .policy(BreakGlassPolicy.builder().account(AccountPolicy.builder("app-admin").requesters("alice").build())
            .incidentDeclarers("sre-lead").build())
        .dataDirectory(dir).vault(vault).alertChannel(new AlertChannel() {
          @Override
          public String name() {
            return "recording";
          }

          @Override
          public void deliver(Alert alert) {
            alerts.add(alert);
          }
        })
        .background(false).build();
    InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(
        User.withUsername("bob").password("{noop}bob-password").roles("USER").build());
    UserDetailsService store = name -> {
      if (storeDown.get()) {
        throw new UncheckedIOException(new ConnectException("Connection refused"));
      }
      return users.loadUserByUsername(name);
    };
    manager = new ProviderManager(new BreakGlassAuthenticationProvider(breakGlass,
        new DaoAuthenticationProvider(store), "ROLE_EMERGENCY"));
  }

  @AfterEach
  void tearDown() {
    breakGlass.close();
    vault.close();
  }

  private Authentication signIn(String user, String password) {
    return manager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(user, password));
  }

  private char[] activeGrantSecret() {
    EmergencyAccessGrant grant = breakGlass.requestAccess(AccessRequest.builder().requester("alice")
        .account("app-admin").reason("IdP outage").duration(Duration.ofMinutes(5)).build());
    try (Credential credential = grant.releaseCredential()) {
      return credential.secret().clone();
    }
  }

  @Test
  void normalUserGetsTheWrappedProvidersResultUnchanged() {
    Authentication bob = signIn("bob", "bob-password");
    assertThat(bob).isInstanceOf(UsernamePasswordAuthenticationToken.class);
    assertThat(bob.getAuthorities()).extracting(GrantedAuthority::getAuthority).contains("ROLE_USER")
        .doesNotContain("ROLE_EMERGENCY");
    assertThatThrownBy(() -> signIn("bob", "wrong")).isExactlyInstanceOf(BadCredentialsException.class);
  }

  @Test
  void normalUserDuringAnEmergencyStillGoesToTheWrappedProvider() {
    breakGlass.declareIncident("sre-lead", "drill");
    assertThat(signIn("bob", "bob-password")).isInstanceOf(UsernamePasswordAuthenticationToken.class);
    assertThatThrownBy(() -> signIn("bob", "wrong")).isExactlyInstanceOf(BadCredentialsException.class);
  }

  @Test
  void breakGlassAccountOutsideAnEmergencyIsRefusedWithACriticalAlert() throws InterruptedException {
    // The caller gets the application's own answer (nothing tells it the account is a break-glass one);
    // the audit trail and the CRITICAL alert say what it was.
    assertThatThrownBy(() -> signIn("app-admin", "staged-secret")).isExactlyInstanceOf(BadCredentialsException.class);
    awaitAlert(Severity.CRITICAL, AuditEventType.USE_OUTSIDE_EMERGENCY);
  }

  @Test
  void breakGlassAccountDuringAnEmergencyGetsTheEmergencyToken() {
    breakGlass.declareIncident("sre-lead", "IdP outage");
    char[] secret = activeGrantSecret();
    Authentication who = signIn("app-admin", new String(secret));
    assertThat(who).isInstanceOfSatisfying(BreakGlassAuthenticationToken.class, t -> {
      assertThat(t.getName()).isEqualTo("app-admin");
      assertThat(t.requester()).isEqualTo("alice");
      assertThat(t.isEmergencyAccess()).isTrue();
      assertThat(t.getCredentials()).isNull();
      assertThat(t.expiresAt()).isNotNull();
      assertThat(t.toString()).doesNotContain(new String(secret));
    });
    assertThat(who.getAuthorities()).extracting(GrantedAuthority::getAuthority).containsExactly("ROLE_EMERGENCY");
    assertThatThrownBy(() -> signIn("app-admin", "not-the-secret"))
        .isInstanceOfSatisfying(BreakGlassAuthenticationException.class,
            e -> assertThat(e.code()).isEqualTo(ReasonCode.INVALID_CREDENTIALS));
  }

  @Test
  void breakGlassAccountWithoutAGrantIsRefused() {
    breakGlass.declareIncident("sre-lead", "IdP outage");
    assertThatThrownBy(() -> signIn("app-admin", "staged-secret"))
        // One answer for every refused emergency login; the audit record says there was no active grant.
        .isInstanceOfSatisfying(BreakGlassAuthenticationException.class,
            e -> assertThat(e.code()).isEqualTo(ReasonCode.INVALID_CREDENTIALS));
  }

  @Test
  void userStoreOutageReachesTheCallerUnchangedForNormalUsers() {
    storeDown.set(true);
    assertThatThrownBy(() -> signIn("bob", "bob-password"))
        .isInstanceOf(InternalAuthenticationServiceException.class).hasRootCauseInstanceOf(ConnectException.class);
  }

  /**
   * While the primary is healthy, a normal user's sign-in through the provider allocates nothing
   * beyond the wrapped provider's own work: counted in bytes, which a noisy machine cannot blur.
   */
  @Test
  void healthyPathAllocatesNothingBeyondTheWrappedProvider() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    Authentication jane = UsernamePasswordAuthenticationToken.authenticated("jane", null, List.of());
    AuthenticationProvider bare = new AuthenticationProvider() {
      @Override
      public Authentication authenticate(Authentication authentication) {
        return jane;
      }

      @Override
      public boolean supports(Class<?> authentication) {
        return true;
      }
    };
    AuthenticationProvider guarded = new BreakGlassAuthenticationProvider(breakGlass, bare, "ROLE_BREAK_GLASS");
    Authentication attempt = UsernamePasswordAuthenticationToken.unauthenticated("jane", "pw");
    int calls = 200_000;
    long bareBytes = allocatedBy(threads, bare, attempt, calls);
    long guardedBytes = allocatedBy(threads, guarded, attempt, calls);
    assertThat(guarded.authenticate(attempt)).isSameAs(jane);
    assertThat(guardedBytes - bareBytes).as("bytes allocated by %d guarded calls beyond the bare calls", calls)
        .isLessThan(calls / 100);
  }

  private static long allocatedBy(com.sun.management.ThreadMXBean threads, AuthenticationProvider provider,
      Authentication attempt, int calls) {
    for (int i = 0; i < calls; i++) {
      provider.authenticate(attempt);
    }
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < calls; i++) {
      provider.authenticate(attempt);
    }
    return threads.getThreadAllocatedBytes(id) - before;
  }

  @Test
  void blankAuthorityIsRejected() {
    assertThatThrownBy(() -> new BreakGlassAuthenticationProvider(breakGlass, new DaoAuthenticationProvider(
        new InMemoryUserDetailsManager()), " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authority");
  }

  private void awaitAlert(Severity severity, AuditEventType type) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      if (alerts.stream().anyMatch(a -> a.severity() == severity && a.type() == type)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + severity + " " + type + " alert");
  }
}

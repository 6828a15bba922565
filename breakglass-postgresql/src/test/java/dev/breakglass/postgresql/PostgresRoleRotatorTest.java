package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.breakglass.BreakGlassException;
import dev.breakglass.ReasonCode;
import dev.breakglass.VaultException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PostgresRoleRotatorTest {
  private static final String ACCOUNT = "db-emergency";
  private static EmbeddedPostgresServer server;

  @BeforeAll
  static void startServer() {
    server = EmbeddedPostgresServer.shared();
  }

  /** A fresh role with a known password, and a vault holding that password for {@link #ACCOUNT}. */
  private static final class Target {
    final char[] initial = EmbeddedPostgresServer.randomPassword();
    final String role;
    final RecordingVault vault;

    Target(String hint) {
      role = server.createRole(hint, initial);
      vault = new RecordingVault(ACCOUNT, initial);
    }

    char[] vaultSecret() {
      return vault.secret(ACCOUNT);
    }
  }

  private static BreakGlassException rotationFailure(Runnable rotation) {
    BreakGlassException e = catchThrowableOfType(BreakGlassException.class, rotation::run);
    assertThat(e).as("rotation must fail").isNotNull();
    assertThat(e.code()).isEqualTo(ReasonCode.ROTATION_FAILED);
    return e;
  }

  private static boolean sessionAlive(Connection connection) {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  @Nested
  class Rotation {
    @Test
    void rotate_oldPasswordFails_newPasswordWorks_vaultHoldsTheNewOne() {
      Target target = new Target("rotate");
      PostgresRoleRotator rotator = server.rotatorBuilder().role(ACCOUNT, target.role).build();

      rotator.rotate(ACCOUNT, target.vault);

      char[] stored = target.vaultSecret();
      assertThat(stored).isNotEqualTo(target.initial);
      assertThat(server.canLogin(target.role, target.initial)).isFalse();
      assertThat(server.canLogin(target.role, stored)).isTrue();
      assertThat(target.vault.successfulWrites()).isEqualTo(1);
    }

    @Test
    void rotate_serverStoresOnlyAScramVerifier_neverThePassword() {
      Target target = new Target("scram");
      server.rotatorBuilder().role(ACCOUNT, target.role).build().rotate(ACCOUNT, target.vault);

      String stored = server.storedPassword(target.role);

      assertThat(stored).startsWith("SCRAM-SHA-256$4096:").doesNotContain(new String(target.vaultSecret()));
    }

    @Test
    void rotate_generatesAlphanumericPasswordsOfTheConfiguredLength() {
      Target target = new Target("length");
      PostgresRoleRotator rotator = server.rotatorBuilder().role(ACCOUNT, target.role).build();
      rotator.rotate(ACCOUNT, target.vault);
      assertThat(new String(target.vaultSecret())).matches("[A-Za-z0-9]{32}");

      Target longer = new Target("length");
      server.rotatorBuilder().role(ACCOUNT, longer.role).passwordLength(64).build().rotate(ACCOUNT, longer.vault);
      assertThat(new String(longer.vaultSecret())).matches("[A-Za-z0-9]{64}");
    }

    @Test
    void rotate_roleNameThatNeedsQuoting_isRotated() {
      char[] initial = EmbeddedPostgresServer.randomPassword();
      String role = server.createRole("Ops \"Break\" Glass; DROP ROLE x", initial);
      RecordingVault vault = new RecordingVault(ACCOUNT, initial);

      server.rotatorBuilder().role(ACCOUNT, role).build().rotate(ACCOUNT, vault);

      assertThat(server.canLogin(role, initial)).isFalse();
      assertThat(server.canLogin(role, vault.secret(ACCOUNT))).isTrue();
    }

    @Test
    void rotate_endsTheRolesOpenSessions() throws SQLException {
      Target target = new Target("sessions");
      try (Connection grantee = server.connect(target.role, target.initial)) {
        assertThat(sessionAlive(grantee)).isTrue();

        server.rotatorBuilder().role(ACCOUNT, target.role).build().rotate(ACCOUNT, target.vault);

        assertThat(sessionAlive(grantee)).as("the grantee's session after rotation").isFalse();
      }
    }

    @Test
    void rotate_withSessionTerminationOff_leavesSessionsOpen() throws SQLException {
      Target target = new Target("keep");
      try (Connection grantee = server.connect(target.role, target.initial)) {
        server.rotatorBuilder().role(ACCOUNT, target.role).terminateSessions(false).build()
            .rotate(ACCOUNT, target.vault);

        assertThat(sessionAlive(grantee)).isTrue();
        assertThat(server.canLogin(target.role, target.initial)).isFalse();
      }
    }

    @Test
    void rotate_withAdminPasswordFromTheEnvironment_works() throws IOException {
      Target target = new Target("env");
      String adminPassword = Files.readString(server.adminPasswordFile()).strip();
      PostgresRoleRotator rotator = PostgresRoleRotator.builder().url(server.url())
          .adminUser(EmbeddedPostgresServer.ADMIN)
          .adminPasswordFromEnv("BG_PG_ADMIN", name -> name.equals("BG_PG_ADMIN") ? adminPassword : null)
          .role(ACCOUNT, target.role).build();

      rotator.rotate(ACCOUNT, target.vault);

      assertThat(server.canLogin(target.role, target.vaultSecret())).isTrue();
    }

    @Test
    void rotate_concurrentRotationsOfOneAccount_leaveVaultAndServerInAgreement() throws Exception {
      Target target = new Target("concurrent");
      PostgresRoleRotator rotator = server.rotatorBuilder().role(ACCOUNT, target.role).build();
      int threads = 4;
      CyclicBarrier start = new CyclicBarrier(threads);
      ExecutorService executor = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> rotations = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          rotations.add(executor.submit(() -> {
            start.await();
            rotator.rotate(ACCOUNT, target.vault);
            return null;
          }));
        }
        for (Future<?> rotation : rotations) {
          rotation.get(60, TimeUnit.SECONDS);
        }
      } finally {
        executor.shutdownNow();
      }

      assertThat(target.vault.successfulWrites()).isEqualTo(threads);
      assertThat(server.canLogin(target.role, target.vaultSecret())).isTrue();
    }

    @Test
    void rotate_vaultFailsOnce_theRetryStoresThePassword() {
      Target target = new Target("retry");
      target.vault.failingWrites(1);

      server.rotatorBuilder().role(ACCOUNT, target.role).build().rotate(ACCOUNT, target.vault);

      assertThat(target.vault.attempted).hasSize(2);
      assertThat(server.canLogin(target.role, target.vaultSecret())).isTrue();
      assertThat(server.canLogin(target.role, target.initial)).isFalse();
    }
  }

  @Nested
  class Failures {
    @Test
    void rotate_roleDoesNotExist_failsAndLeavesTheVaultUnchanged() {
      char[] initial = EmbeddedPostgresServer.randomPassword();
      RecordingVault vault = new RecordingVault(ACCOUNT, initial);
      PostgresRoleRotator rotator = server.rotatorBuilder().role(ACCOUNT, "no_such_role").build();

      BreakGlassException e = rotationFailure(() -> rotator.rotate(ACCOUNT, vault));

      assertThat(e).hasMessageContaining("'db-emergency'").hasMessageContaining("\"no_such_role\"")
          .hasMessageContaining("SQLSTATE 42704").hasMessageContaining("nothing was changed");
      assertThat(vault.attempted).isEmpty();
      assertThat(vault.secret(ACCOUNT)).isEqualTo(initial);
    }

    @Test
    void rotate_serverStopped_failsAndLeavesTheVaultUnchanged() {
      Target target = new Target("stopped");
      try (EmbeddedPostgresServer own = EmbeddedPostgresServer.start()) {
        PostgresRoleRotator rotator = own.rotatorBuilder().role(ACCOUNT, target.role).build();
        own.stop();

        BreakGlassException e = rotationFailure(() -> rotator.rotate(ACCOUNT, target.vault));

        assertThat(e).hasMessageContaining("cannot connect").hasMessageContaining("SQLSTATE 08001")
            .hasMessageContaining("nothing was changed");
        assertThat(target.vault.attempted).isEmpty();
        assertThat(target.vaultSecret()).isEqualTo(target.initial);
      }
    }

    @Test
    void rotate_accountMissingFromTheVault_failsBeforeTouchingTheServer() {
      Target target = new Target("novault");
      String before = server.storedPassword(target.role);
      RecordingVault otherAccountOnly = new RecordingVault("someone-else", target.initial);

      BreakGlassException e = rotationFailure(() ->
          server.rotatorBuilder().role(ACCOUNT, target.role).build().rotate(ACCOUNT, otherAccountOnly));

      assertThat(e).hasMessageContaining("no readable credential").hasCauseInstanceOf(VaultException.class);
      assertThat(server.storedPassword(target.role)).isEqualTo(before);
      assertThat(otherAccountOnly.attempted).isEmpty();
    }

    @Test
    void rotate_wrongAdminPassword_failsWithoutChangingAnything() {
      Target target = new Target("badadmin");
      PostgresRoleRotator rotator = PostgresRoleRotator.builder().url(server.url())
          .adminUser(EmbeddedPostgresServer.ADMIN).adminPassword("not-the-admin-password"::toCharArray)
          .role(ACCOUNT, target.role).build();

      BreakGlassException e = rotationFailure(() -> rotator.rotate(ACCOUNT, target.vault));

      assertThat(e).hasMessageContaining("as admin user \"bg_rotator\"").hasMessageContaining("SQLSTATE 28P01")
          .hasMessageNotContaining("not-the-admin-password");
      assertThat(server.canLogin(target.role, target.initial)).isTrue();
      assertThat(target.vault.attempted).isEmpty();
    }

    @Test
    void rotate_adminPasswordFileGone_failsNamingTheFile() throws IOException {
      Target target = new Target("nofile");
      Path file = Files.createTempFile("bg-admin", ".secret");
      Files.writeString(file, "whatever\n");
      PostgresRoleRotator rotator = PostgresRoleRotator.builder().url(server.url())
          .adminUser(EmbeddedPostgresServer.ADMIN).adminPasswordFromFile(file).role(ACCOUNT, target.role).build();
      Files.delete(file);

      BreakGlassException e = rotationFailure(() -> rotator.rotate(ACCOUNT, target.vault));

      assertThat(e).hasMessageContaining("no admin password").hasMessageContaining(file.toString());
      assertThat(server.canLogin(target.role, target.initial)).isTrue();
    }

    @Test
    void rotate_vaultKeepsFailing_lockPolicy_leavesRoleLockedAndSaysSo() {
      Target target = new Target("lock");
      target.vault.failingWrites(Integer.MAX_VALUE);
      PostgresRoleRotator rotator = server.rotatorBuilder().role(ACCOUNT, target.role).build();

      BreakGlassException e = rotationFailure(() -> rotator.rotate(ACCOUNT, target.vault));

      assertThat(e).hasMessageContaining("did not store it in 3 attempt(s)").hasMessageContaining("locked")
          .hasCauseInstanceOf(VaultException.class);
      assertThat(target.vault.attempted).hasSize(3);
      assertThat(target.vaultSecret()).isEqualTo(target.initial);
      assertThat(server.canLogin(target.role, target.initial)).as("the released password").isFalse();
      for (char[] attempted : target.vault.attempted) {
        assertThat(server.canLogin(target.role, attempted)).isTrue();
      }
    }

    @Test
    void rotate_vaultKeepsFailing_restorePolicy_putsThePreviousPasswordBack() {
      Target target = new Target("restore");
      target.vault.failingWrites(Integer.MAX_VALUE);
      PostgresRoleRotator rotator = server.rotatorBuilder().role(ACCOUNT, target.role)
          .onVaultFailure(PostgresRoleRotator.OnVaultFailure.RESTORE).vaultWriteAttempts(2).build();

      BreakGlassException e = rotationFailure(() -> rotator.rotate(ACCOUNT, target.vault));

      assertThat(e).hasMessageContaining("in 2 attempt(s)").hasMessageContaining("previous password was restored");
      assertThat(target.vaultSecret()).isEqualTo(target.initial);
      assertThat(server.canLogin(target.role, target.initial)).isTrue();
      assertThat(server.canLogin(target.role, target.vault.attempted.get(0))).isFalse();
    }

    @Test
    void rotate_vaultKeepsFailing_stillEndsTheGranteesSession() throws SQLException {
      Target target = new Target("lockend");
      target.vault.failingWrites(Integer.MAX_VALUE);
      try (Connection grantee = server.connect(target.role, target.initial)) {
        rotationFailure(() -> server.rotatorBuilder().role(ACCOUNT, target.role).build().rotate(ACCOUNT, target.vault));

        assertThat(sessionAlive(grantee)).isFalse();
      }
    }

    @Test
    void rotate_adminMayNotEndSessions_failsAfterStoringTheNewPassword() throws SQLException, IOException {
      Target target = new Target("nosignal");
      char[] weakAdminPassword = EmbeddedPostgresServer.randomPassword();
      String weakAdmin = server.createRole("weak_admin", weakAdminPassword);
      server.superuser("ALTER ROLE " + weakAdmin + " CREATEROLE");
      PostgresRoleRotator rotator = PostgresRoleRotator.builder().url(server.url()).adminUser(weakAdmin)
          .adminPassword(weakAdminPassword::clone).role(ACCOUNT, target.role).build();

      try (Connection grantee = server.connect(target.role, target.initial)) {
        BreakGlassException e = rotationFailure(() -> rotator.rotate(ACCOUNT, target.vault));

        assertThat(e).hasMessageContaining("could not be ended").hasMessageContaining("pg_signal_backend");
        assertThat(server.canLogin(target.role, target.vaultSecret())).isTrue();
        assertThat(sessionAlive(grantee)).isTrue();
      }
    }
  }

  @Nested
  class Verify {
    @Test
    void verify_afterRotation_isTrue() {
      Target target = new Target("verify");
      PostgresRoleRotator rotator = server.rotatorBuilder().role(ACCOUNT, target.role).build();
      rotator.rotate(ACCOUNT, target.vault);

      assertThat(rotator.verify(ACCOUNT, target.vault)).isTrue();
    }

    @Test
    void verify_passwordChangedBehindTheVaultsBack_isFalse() {
      Target target = new Target("stale");
      PostgresRoleRotator rotator = server.rotatorBuilder().role(ACCOUNT, target.role).build();
      assertThat(rotator.verify(ACCOUNT, target.vault)).isTrue();

      server.setPassword(target.role, EmbeddedPostgresServer.randomPassword());

      assertThat(rotator.verify(ACCOUNT, target.vault)).isFalse();
    }

    @Test
    void verify_roleMayNoLongerLogIn_isFalse() {
      Target target = new Target("nologin");
      server.superuser("ALTER ROLE " + target.role + " NOLOGIN");

      assertThat(server.rotatorBuilder().role(ACCOUNT, target.role).build().verify(ACCOUNT, target.vault)).isFalse();
    }

    @Test
    void verify_serverStopped_throwsProviderFailureRatherThanFalse() {
      Target target = new Target("verifydown");
      try (EmbeddedPostgresServer own = EmbeddedPostgresServer.start()) {
        PostgresRoleRotator rotator = own.rotatorBuilder().role(ACCOUNT, target.role).build();
        own.stop();

        BreakGlassException e =
            catchThrowableOfType(BreakGlassException.class, () -> rotator.verify(ACCOUNT, target.vault));

        assertThat(e).isNotNull().hasMessageContaining("cannot check role");
        assertThat(e.code()).isEqualTo(ReasonCode.PROVIDER_FAILURE);
      }
    }

    @Test
    void verify_unknownAccount_throwsUnknownAccount() {
      Target target = new Target("verifyunknown");
      PostgresRoleRotator rotator = server.rotatorBuilder().role(ACCOUNT, target.role).build();

      BreakGlassException e = catchThrowableOfType(BreakGlassException.class, () -> rotator.verify("other", target.vault));

      assertThat(e).isNotNull().hasMessageContaining("'other'");
      assertThat(e.code()).isEqualTo(ReasonCode.UNKNOWN_ACCOUNT);
    }
  }

  @Nested
  class Secrets {
    @Test
    void passwords_neverAppearInLogsExceptionsOrToString() throws Exception {
      String adminPassword = Files.readString(server.adminPasswordFile()).strip();
      Target good = new Target("canary");
      Target lockedOut = new Target("canary");
      lockedOut.vault.failingWrites(Integer.MAX_VALUE);
      Target restored = new Target("canary");
      restored.vault.failingWrites(Integer.MAX_VALUE);
      List<String> texts = new ArrayList<>();
      List<char[]> secrets = new ArrayList<>();
      try (LogCapture logs = new LogCapture()) {
        PostgresRoleRotator rotator = server.rotatorBuilder().role(ACCOUNT, good.role).build();
        rotator.rotate(ACCOUNT, good.vault);
        rotator.verify(ACCOUNT, good.vault);
        texts.add(rotator.toString());

        PostgresRoleRotator locking = server.rotatorBuilder().role(ACCOUNT, lockedOut.role).build();
        texts.addAll(messagesOf(rotationFailure(() -> locking.rotate(ACCOUNT, lockedOut.vault))));

        PostgresRoleRotator restoring = server.rotatorBuilder().role(ACCOUNT, restored.role)
            .onVaultFailure(PostgresRoleRotator.OnVaultFailure.RESTORE).build();
        texts.addAll(messagesOf(rotationFailure(() -> restoring.rotate(ACCOUNT, restored.vault))));

        PostgresRoleRotator missingRole = server.rotatorBuilder().role(ACCOUNT, "canary_missing").build();
        texts.addAll(messagesOf(rotationFailure(() -> missingRole.rotate(ACCOUNT, good.vault))));

        String captured = logs.text();
        assertThat(captured).as("the driver's own log of what it sent")
            .contains("ALTER ROLE \"" + good.role + "\" PASSWORD 'SCRAM-SHA-256$4096:");
        texts.add(captured);
      }
      String serverLog = server.awaitServerLog("role \"canary_missing\" does not exist", Duration.ofSeconds(30));
      assertThat(serverLog).as("the server's log of the statements it ran and refused")
          .contains(": ALTER ROLE \"" + restored.role + "\" PASSWORD 'SCRAM-SHA-256$4096:")
          .contains("STATEMENT:  ALTER ROLE \"canary_missing\" PASSWORD 'SCRAM-SHA-256$4096:");
      texts.add(serverLog);

      secrets.add(good.initial);
      secrets.add(good.vaultSecret());
      secrets.add(lockedOut.initial);
      secrets.addAll(lockedOut.vault.attempted);
      secrets.add(restored.initial);
      secrets.addAll(restored.vault.attempted);
      secrets.add(adminPassword.toCharArray());
      assertThat(secrets).hasSize(11);
      for (char[] secret : secrets) {
        for (String text : texts) {
          assertThat(text).doesNotContain(new String(secret));
        }
      }
    }

    private List<String> messagesOf(Throwable thrown) {
      List<String> messages = new ArrayList<>();
      for (Throwable t = thrown; t != null; t = t.getCause()) {
        messages.add(String.valueOf(t));
        for (Throwable suppressed : t.getSuppressed()) {
          messages.add(String.valueOf(suppressed));
        }
      }
      return messages;
    }
  }
}

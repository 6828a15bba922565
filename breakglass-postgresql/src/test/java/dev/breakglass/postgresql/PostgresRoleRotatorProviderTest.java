package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialRotatorProvider;
import dev.breakglass.spi.ProviderContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresRoleRotatorProviderTest {
  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/app";

  @TempDir
  Path dir;

  private final PostgresRoleRotatorProvider provider =
      new PostgresRoleRotatorProvider(name -> name.equals("PG_ADMIN") ? "admin-secret" : null);

  private Map<String, String> minimal() {
    Map<String, String> properties = new HashMap<>();
    properties.put("url", URL);
    properties.put("admin-user", "rotator");
    properties.put("admin-password-env", "PG_ADMIN");
    properties.put("role.db-emergency", "app_emergency");
    return properties;
  }

  private CredentialRotator create(Map<String, String> properties) {
    return provider.create(new ProviderContext("postgresql", properties, Clock.systemUTC(), dir));
  }

  @Test
  void serviceLoader_findsTheProviderUnderItsName() {
    assertThat(ServiceLoader.load(CredentialRotatorProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("postgresql")))
        .hasSize(1).first().isInstanceOf(PostgresRoleRotatorProvider.class);
  }

  @Test
  void minimalConfiguration_mapsAccountsToRoles_withSafeDefaults() {
    CredentialRotator rotator = create(minimal());

    assertThat(rotator).isInstanceOf(PostgresRoleRotator.class);
    assertThat(rotator.name()).isEqualTo("postgresql");
    assertThat(rotator.supports("db-emergency")).isTrue();
    assertThat(rotator.supports("app_emergency")).isFalse();
    assertThat(((PostgresRoleRotator) rotator).roleOf("db-emergency")).isEqualTo("app_emergency");
    assertThat(rotator.toString()).contains("passwordLength=32", "vaultWriteAttempts=3", "onVaultFailure=LOCK",
        "terminateSessions=true").doesNotContain("admin-secret");
  }

  @Test
  void everySetting_isApplied() throws IOException {
    Path file = Files.writeString(dir.resolve("admin.secret"), "from-file\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Map<String, String> properties = minimal();
    properties.remove("admin-password-env");
    properties.put("admin-password-file", file.toString());
    properties.put("role.second", "Second Role");
    properties.put("password-length", "48");
    properties.put("vault-write-attempts", "5");
    properties.put("on-vault-failure", "restore");
    properties.put("terminate-sessions", "false");
    properties.put("connect-timeout", "3s");
    properties.put("socket-timeout", "PT1M");

    PostgresRoleRotator rotator = (PostgresRoleRotator) create(properties);

    assertThat(rotator.roleOf("second")).isEqualTo("Second Role");
    assertThat(rotator.toString()).contains("passwordLength=48", "vaultWriteAttempts=5", "onVaultFailure=RESTORE",
        "terminateSessions=false").doesNotContain("from-file");
  }

  @Test
  void clearTextAdminPassword_isRefused() {
    Map<String, String> properties = minimal();
    properties.put("admin-password", "hunter2");

    assertThatThrownBy(() -> create(properties)).isInstanceOf(ProviderException.class)
        .hasMessageContaining("property 'admin-password': a clear-text password is not accepted").hasMessageContaining("admin-password-env")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void passwordInTheUrl_isRefused() {
    Map<String, String> properties = minimal();
    properties.put("url", URL + "?user=x&password=hunter2");

    assertThatThrownBy(() -> create(properties)).isInstanceOf(ProviderException.class)
        .hasMessageContaining("'url'").hasMessageContaining("must not carry a password")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void bothOrNeitherAdminPasswordSource_isRefused() {
    Map<String, String> neither = minimal();
    neither.remove("admin-password-env");
    Map<String, String> both = minimal();
    both.put("admin-password-file", "/some/file");

    assertThatThrownBy(() -> create(neither)).hasMessageContaining("exactly one of");
    assertThatThrownBy(() -> create(both)).hasMessageContaining("exactly one of");
  }

  @Test
  void unsetEnvironmentVariable_isNamed() {
    Map<String, String> properties = minimal();
    properties.put("admin-password-env", "PG_NOT_SET");

    assertThatThrownBy(() -> create(properties)).isInstanceOf(ProviderException.class)
        .hasMessageContaining("PG_NOT_SET").hasMessageContaining("not set");
  }

  @Test
  void missingPasswordFile_isNamed() {
    Map<String, String> properties = minimal();
    properties.remove("admin-password-env");
    properties.put("admin-password-file", dir.resolve("absent").toString());

    assertThatThrownBy(() -> create(properties)).isInstanceOf(ProviderException.class)
        .hasMessageContaining("'admin-password-file'").hasMessageContaining("absent");
  }

  @Test
  void requiredProperties_areNamedWhenMissing() {
    for (String key : new String[] {"url", "admin-user"}) {
      Map<String, String> properties = minimal();
      properties.remove(key);
      assertThatThrownBy(() -> create(properties)).isInstanceOf(ProviderException.class)
          .hasMessageContaining("'" + key + "'");
    }
  }

  @Test
  void noRoleMapping_isRefused() {
    Map<String, String> properties = minimal();
    properties.remove("role.db-emergency");

    assertThatThrownBy(() -> create(properties)).hasMessageContaining("'role.<account>'");
  }

  @Test
  void roleThatIsTheAdminUser_isRefused() {
    Map<String, String> properties = minimal();
    properties.put("role.db-emergency", "rotator");

    assertThatThrownBy(() -> create(properties)).hasMessageContaining("admin user").hasMessageContaining("lock");
  }

  @Test
  void badValues_areRejectedNamingTheProperty() {
    Map<String, Object[]> cases = Map.of(
        "password-length", new Object[] {"31", "between 32 and 256"},
        "vault-write-attempts", new Object[] {"0", "between 1 and 10"},
        "on-vault-failure", new Object[] {"ignore", "'lock' or 'restore'"},
        "terminate-sessions", new Object[] {"yes", "must be true or false, was 'yes'"},
        "socket-timeout", new Object[] {"0s", "must be a positive duration, was '0s'"},
        "connect-timeout", new Object[] {"soon", "not a duration"},
        "url", new Object[] {"jdbc:mysql://x/y", "jdbc:postgresql:"},
        "role.db-emergency", new Object[] {"r".repeat(64), "63-byte limit"});
    cases.forEach((key, badAndMessage) -> {
      Map<String, String> properties = minimal();
      properties.put(key, (String) badAndMessage[0]);
      assertThatThrownBy(() -> create(properties)).as(key).isInstanceOf(ProviderException.class)
          .hasMessageContaining("'" + key + "'").hasMessageContaining((String) badAndMessage[1]);
    });
  }
}

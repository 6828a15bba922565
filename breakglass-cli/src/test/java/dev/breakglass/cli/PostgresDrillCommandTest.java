package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code breakglass drill} against a real PostgreSQL role (embedded PostgreSQL on loopback, SCRAM
 * password logins): the released password is proven by a real login, the role's password is
 * rotated, and the old one no longer logs in.
 */
class PostgresDrillCommandTest {
  private static final String ROLE = "drill_admin";
  private static final String INITIAL = "initial-Role-Password-91";
  private static final String HBA = String.join("\n", "local all all trust",
      "host all postgres 127.0.0.1/32 trust", "host all all 127.0.0.1/32 scram-sha-256", "");

  static EmbeddedPostgres postgres;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws IOException, SQLException {
    postgres = EmbeddedPostgres.builder().setServerConfig("password_encryption", "scram-sha-256")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setDataDirectoryCustomizer(d -> {
          try {
            Files.writeString(d.toPath().resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8,
                StandardOpenOption.TRUNCATE_EXISTING);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        })
        .start();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE bg_rotator LOGIN CREATEROLE PASSWORD 'rotator-Admin-Password-55' IN ROLE "
          + "pg_signal_backend");
      s.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + INITIAL + "'");
    }
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  private static boolean canLogin(String password) {
    Properties p = new Properties();
    p.setProperty("user", ROLE);
    p.setProperty("password", password);
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort()
        + "/postgres", p)) {
      return c.isValid(5);
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("28")) {
        return false;
      }
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theDrillProvesThePasswordAtPostgresRotatesItAndLeavesEvidence() throws IOException {
    assertThat(canLogin(INITIAL)).isTrue();
    Path data = Files.createDirectories(dir.resolve("data"));
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, """
        version: 1
        accounts:
          prod-db-admin:
            requesters: [alice]
            custodians: [carol, dave]
            approvals: 2
            maxDuration: 30m
            drillEvery: 90d
        """);
    Path pass = secretFile("vault.pass", "cli-pg-drill-vault-passphrase");
    Path adminPass = secretFile("pg-admin.pass", "rotator-Admin-Password-55");
    Path config = dir.resolve("engine.properties");
    Files.writeString(config, String.join("\n",
        "vault.file.path=" + dir.resolve("vault.json"),
        "vault.file.passphrase-file=" + pass,
        "rotators=postgresql",
        "rotator.postgresql.url=jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
        "rotator.postgresql.admin-user=bg_rotator",
        "rotator.postgresql.admin-password-file=" + adminPass,
        "rotator.postgresql.role.prod-db-admin=" + ROLE, ""));
    try (EncryptedFileVault vault = EncryptedFileVault.create(dir.resolve("vault.json"),
        "cli-pg-drill-vault-passphrase".toCharArray(), Argon2Parameters.recommended())) {
      vault.write("prod-db-admin", INITIAL.toCharArray());
    }

    CliRunner cli = new CliRunner();
    int status = cli.run("drill", "prod-db-admin", "--data", data.toString(), "--policy", policy.toString(),
        "--config", config.toString(), "--actor", "alice", "--approver", "carol", "--approver", "dave");

    assertThat(status).as(cli.out + cli.err).isEqualTo(0);
    assertThat(cli.out).containsPattern("prove +ok +fresh: .*authenticates at its target")
        .containsPattern("rotate +ok").containsPattern("prove-rotated +ok +fresh").contains("PASSED");
    assertThat(cli.out + cli.err).doesNotContain(INITIAL);
    assertThat(canLogin(INITIAL)).as("the drilled password no longer logs in").isFalse();
    try (EncryptedFileVault vault = EncryptedFileVault.open(dir.resolve("vault.json"),
        "cli-pg-drill-vault-passphrase".toCharArray())) {
      String rotated = new String(vault.read("prod-db-admin").secret());
      assertThat(rotated).isNotEqualTo(INITIAL);
      assertThat(canLogin(rotated)).as("the rotated password, as stored in the vault, logs in").isTrue();
    }

    CliRunner verify = new CliRunner();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("evidence: (\\S+)").matcher(cli.out);
    assertThat(m.find()).isTrue();
    assertThat(verify.run("evidence", "verify", m.group(1), "--public-key", data.resolve("audit.pub").toString()))
        .as(verify.out).isEqualTo(0);
    assertThat(verify.out).contains("of prod-db-admin: passed");
  }

  private Path secretFile(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }
}

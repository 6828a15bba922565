package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.postgresql.PostgresAuditLog;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code breakglass export} reads a trail kept in a real PostgreSQL; {@code breakglass verify} then checks it offline. */
class ExportCommandTest {
  static EmbeddedPostgres postgres;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Test
  void exportedTrailVerifiesAndATamperedRecordFailsVerification() throws Exception {
    AuditSigningKey key = AuditSigningKey.generate();
    try (PostgresAuditLog log = PostgresAuditLog.builder(postgres.getPostgresDatabase()).signingKey(key)
        .instanceId("pod-a").build()) {
      for (int i = 0; i < 3; i++) {
        log.append(new AuditEvent(Instant.parse("2026-12-03T07:00:00Z"), AuditEventType.ACCESS_REQUESTED, "alice",
            "g" + i, "root", Map.of("i", Integer.toString(i))));
      }
    }
    Path pub = dir.resolve("audit.pub");
    key.publicKey().write(pub);
    String url = postgres.getJdbcUrl("postgres", "postgres");
    String plainUrl = url.substring(0, url.indexOf('?') < 0 ? url.length() : url.indexOf('?'));

    CliRunner cli = new CliRunner();
    cli.environment.put("BG_DB", "unused-under-trust");
    assertThat(cli.run("export", dir.resolve("trail").toString(), "--jdbc-url", plainUrl, "--user", "postgres",
        "--password-env", "BG_DB")).as(cli.err).isEqualTo(BreakGlassCli.OK);
    assertThat(cli.out).contains("Exported 3 records");
    CliRunner verify = new CliRunner();
    assertThat(verify.run("verify", dir.resolve("trail").toString(), "--public-key", pub.toString(), "--sealed"))
        .as(verify.out + verify.err).isEqualTo(BreakGlassCli.OK);

    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("UPDATE breakglass_audit_record SET record = convert_to(replace(convert_from(record, 'UTF8'),"
          + " 'alice', 'mallory'), 'UTF8') WHERE seq = 1");
    }
    CliRunner again = new CliRunner();
    again.environment.put("BG_DB", "unused-under-trust");
    assertThat(again.run("export", dir.resolve("tampered").toString(), "--jdbc-url", plainUrl, "--user", "postgres",
        "--password-env", "BG_DB")).isEqualTo(BreakGlassCli.OK);
    CliRunner fails = new CliRunner();
    assertThat(fails.run("verify", dir.resolve("tampered").toString(), "--public-key", pub.toString()))
        .isEqualTo(BreakGlassCli.FAILED);
  }

  @Test
  void aPasswordIsNeverTakenFromTheCommandLine() {
    CliRunner cli = new CliRunner();
    assertThat(cli.run("export", dir.resolve("x").toString(), "--jdbc-url", "jdbc:postgresql://127.0.0.1/x",
        "--user", "u")).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("--password-env").contains("--password-file");
    CliRunner inUrl = new CliRunner();
    inUrl.environment.put("X", "secret");
    assertThat(inUrl.run("export", dir.resolve("x").toString(), "--jdbc-url",
        "jdbc:postgresql://127.0.0.1/x?password=hunter2", "--user", "u", "--password-env", "X"))
        .isEqualTo(BreakGlassCli.USAGE);
    assertThat(inUrl.err).contains("must not hold a password").doesNotContain("hunter2");
  }
}

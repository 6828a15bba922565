package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditUnavailableException;
import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditSigningKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database stopped and started again under an open sink: appends during the outage fail
 * closed, every acknowledged record survives, and the same sink writes again once the server is
 * back, continuing one verifiable trail.
 */
class PostgresAuditRestartTest {
  @TempDir Path dir;

  @Test
  void sinkFailsClosedDuringAnOutageAndResumesOnItsOwnWithNothingAcknowledgedLost() throws Exception {
    Path data = dir.resolve("pgdata");
    EmbeddedPostgres first = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
    int port = first.getPort();
    DataSource dataSource = PostgresConnection.builder().url("jdbc:postgresql://127.0.0.1:" + port + "/postgres")
        .user("postgres").password(() -> "trusted".toCharArray()).connectTimeout(Duration.ofSeconds(2))
        .socketTimeout(Duration.ofSeconds(5)).build();
    AuditSigningKey key = AuditSigningKey.generate();
    EmbeddedPostgres second = null;
    try (PostgresAuditLog log = PostgresAuditLog.builder(dataSource).signingKey(key).instanceId("pod-a").build()) {
      for (int i = 0; i < 5; i++) {
        log.append(PostgresAuditLogTest.event("before-" + i));
      }
      first.close();

      assertThatThrownBy(() -> log.append(PostgresAuditLogTest.event("during")))
          .isInstanceOf(AuditUnavailableException.class);
      assertThatThrownBy(() -> log.append(PostgresAuditLogTest.event("during-2")))
          .isInstanceOf(AuditUnavailableException.class);

      second = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
      log.append(PostgresAuditLogTest.event("after"));
      log.exportTo(dir.resolve("export"));
    } finally {
      if (second != null) {
        List<String> markers = PostgresAuditLog.readAll(dataSource).stream()
            .map(d -> d.event().details().get("marker")).toList();
        second.close();
        assertThat(markers).containsExactly("before-0", "before-1", "before-2", "before-3", "before-4", "after");
      }
    }
    assertThat(second).as("the server came back").isNotNull();
    AuditLogVerifier.VerificationResult r = AuditLogVerifier.builder(key.publicKey()).requireSealed(true).build()
        .verify(dir.resolve("export"));
    assertThat(r.valid()).as(String.valueOf(r.problem())).isTrue();
    assertThat(r.records()).isEqualTo(6);
  }
}

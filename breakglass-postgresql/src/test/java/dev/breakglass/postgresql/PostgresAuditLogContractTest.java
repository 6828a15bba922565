package dev.breakglass.postgresql;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditSink;
import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.tck.AuditSinkContract;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;

/** The audit sink compatibility kit against a real PostgreSQL database, a fresh one per test. */
class PostgresAuditLogContractTest extends AuditSinkContract {
  private static final AuditSigningKey KEY = AuditSigningKey.generate();
  private DataSource dataSource;

  @BeforeEach
  void freshDatabase() {
    dataSource = TestDatabase.create(EmbeddedPostgresServer.shared(), "tck_audit").dataSource();
  }

  @Override
  protected AuditSink createSink() {
    return PostgresAuditLog.builder(dataSource).signingKey(KEY).instanceId("tck").build();
  }

  @Override
  protected List<AuditEvent> readBack() {
    return PostgresAuditLog.readAll(dataSource).stream().map(AuditEventCodec.Decoded::event).toList();
  }
}

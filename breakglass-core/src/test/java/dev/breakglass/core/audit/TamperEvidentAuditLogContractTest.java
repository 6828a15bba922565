package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditSink;
import dev.breakglass.tck.AuditSinkContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class TamperEvidentAuditLogContractTest extends AuditSinkContract {
  private static final AuditSigningKey KEY = AuditSigningKey.generate();

  @TempDir Path dir;

  @Override
  protected AuditSink createSink() {
    return TamperEvidentAuditLog.builder(dir).signingKey(KEY).maxSegmentBytes(16 * 1024).build();
  }

  @Override
  protected List<AuditEvent> readBack() {
    return AuditLogReader.readEvents(dir);
  }

  @AfterEach
  void logStillVerifies() {
    AuditLogVerifier deep = AuditLogVerifier.builder(KEY.publicKey()).decodeRecords(true).build();
    assertThat(deep.verify(dir).problem()).isNull();
  }
}

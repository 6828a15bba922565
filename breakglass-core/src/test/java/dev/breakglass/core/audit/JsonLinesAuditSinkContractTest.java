package dev.breakglass.core.audit;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditSink;
import dev.breakglass.tck.AuditSinkContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesAuditSinkContractTest extends AuditSinkContract {
  @TempDir Path dir;

  @Override
  protected AuditSink createSink() {
    return JsonLinesAuditSink.open(dir.resolve("audit.jsonl"));
  }

  @Override
  protected List<AuditEvent> readBack() {
    Path f = dir.resolve("audit.jsonl");
    return Files.exists(f)
        ? JsonLinesAuditSink.read(f).stream().map(AuditEventCodec.Decoded::event).toList()
        : List.of();
  }
}

package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An export rebuilt entry by entry from another log verifies like the original and holds the same entries. */
class AuditLogExportTest {
  static final AuditSigningKey KEY = AuditSigningKey.generate();

  @TempDir Path tmp;

  List<AuditLogReader.Entry> entries(Path dir) {
    List<AuditLogReader.Entry> out = new ArrayList<>();
    try (AuditLogReader r = AuditLogReader.open(dir)) {
      for (AuditLogReader.Entry e = r.next(); e != null; e = r.next()) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void anExportLargerThanItsBufferVerifiesAndHoldsEveryEntry() {
    Path source = tmp.resolve("source");
    try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(source).signingKey(KEY).fsync(false)
        .checkpointEveryRecords(100).backgroundCheckpoints(false).build()) {
      for (int i = 0; i < 1200; i++) {
        log.append(TestEvents.event(i));
      }
    }
    Path target = tmp.resolve("export");
    try (AuditLogExport export = AuditLogExport.create(target)) {
      assertThat(export.directory()).isEqualTo(target.toAbsolutePath());
      for (AuditLogReader.Entry e : entries(source)) {
        if (e instanceof AuditLogReader.RecordEntry r) {
          export.record(r.canonical());
        } else {
          export.checkpoint(((AuditLogReader.CheckpointEntry) e).checkpoint());
        }
      }
    }
    assertThat(LogScanner.segmentsOf(target)).hasSize(1);
    long exported = 0;
    try {
      exported = Files.size(target.resolve(LogFormat.segmentName(0)));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThat(exported).isGreaterThan(3 << 16);
    AuditLogVerifier.VerificationResult r = AuditLogVerifier.builder(KEY.publicKey()).requireSealed(true)
        .decodeRecords(true).build().verify(target);
    assertThat(r.problem()).isNull();
    assertThat(r.records()).isEqualTo(1200);
    List<AuditEvent> events = AuditLogReader.readEvents(target);
    assertThat(events).containsExactlyElementsOf(AuditLogReader.readEvents(source));
  }

  @Test
  void anExportGoesIntoANewOrEmptyDirectoryOnly() throws IOException {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    AuditLogExport.create(empty).close();
    assertThat(empty.resolve(LogFormat.segmentName(0))).exists();
    assertThatThrownBy(() -> AuditLogExport.create(empty)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("export directory " + empty.toAbsolutePath() + " is not empty: give a new or empty one");
  }

  @Test
  void aClosedExportRefusesEntriesAndAnEntryOverTheLimitIsRefused() {
    AuditLogExport export = AuditLogExport.create(tmp.resolve("x"));
    export.record(new byte[LogFormat.MAX_PAYLOAD]);
    assertThatThrownBy(() -> export.record(new byte[LogFormat.MAX_PAYLOAD + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("entry of 1048577 bytes exceeds the log's limit of 1048576");
    export.close();
    export.close();
    assertThatThrownBy(() -> export.record(new byte[1])).isInstanceOf(IllegalStateException.class)
        .hasMessage("export to " + tmp.resolve("x").toAbsolutePath() + " is closed");
  }
}

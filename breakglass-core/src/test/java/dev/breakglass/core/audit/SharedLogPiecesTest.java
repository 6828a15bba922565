package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of the log format that logs kept elsewhere (a database) reuse: instance ids, the frontier, export. */
class SharedLogPiecesTest {
  @TempDir Path dir;

  static AuditEvent event(int i) {
    return new AuditEvent(Instant.parse("2026-12-03T07:00:00Z").plusSeconds(i), AuditEventType.ACCESS_REQUESTED,
        "alice", "g" + i, "root", Map.of("i", Integer.toString(i)));
  }

  @Test
  void recordWithoutInstanceEncodesAsBeforeAndOneWithItKeepsIt() {
    byte[] plain = AuditEventCodec.encode(3, event(3));
    assertThat(AuditEventCodec.encode(3, event(3), null)).isEqualTo(plain);
    assertThat(new String(plain, StandardCharsets.UTF_8)).doesNotContain("instance");

    byte[] named = AuditEventCodec.encode(3, event(3), "pod-a");
    AuditEventCodec.Decoded d = AuditEventCodec.decode(named);
    assertThat(d.instance()).isEqualTo("pod-a");
    assertThat(d.event()).isEqualTo(event(3));
    assertThat(AuditEventCodec.encode(d.seq(), d.event(), d.instance())).as("canonical").isEqualTo(named);
    assertThat(AuditEventCodec.decode(plain).instance()).isNull();
  }

  @Test
  void frontierSavedAndRestoredContinuesTheSameTree() {
    List<byte[]> records = new ArrayList<>();
    MerkleFrontier f = new MerkleFrontier();
    for (int i = 0; i < 37; i++) {
      byte[] r = AuditEventCodec.encode(i, event(i));
      records.add(r);
      f = MerkleFrontier.fromBytes(f.size(), f.toBytes());
      f.appendLeaf(r);
      assertThat(f.root()).isEqualTo(MerkleProofs.rootOf(records));
    }
  }

  @Test
  void frontierOfTheWrongLengthIsRefused() {
    assertThatThrownBy(() -> MerkleFrontier.fromBytes(3, new byte[32])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 2 hashes");
  }

  @Test
  void exportedRecordsAndCheckpointsVerifyAndATamperedOneDoesNot() {
    AuditSigningKey key = AuditSigningKey.generate();
    String logId = "0123456789abcdef0123456789abcdef";
    MerkleFrontier tree = new MerkleFrontier();
    Instant t = Instant.parse("2026-12-03T07:00:00Z");
    Path good = dir.resolve("good");
    try (AuditLogExport out = AuditLogExport.create(good)) {
      out.checkpoint(Checkpoint.sign(logId, Checkpoint.NO_PREVIOUS, 0, tree.root(), t, key));
      for (int i = 0; i < 5; i++) {
        byte[] r = AuditEventCodec.encode(i, event(i), "pod-" + (i % 2));
        tree.appendLeaf(r);
        out.record(r);
      }
      out.checkpoint(Checkpoint.sign(logId, 0, 5, tree.root(), t.plusSeconds(10), key));
    }
    AuditLogVerifier.VerificationResult r = AuditLogVerifier.builder(key.publicKey()).requireSealed(true).build()
        .verify(good);
    assertThat(r.valid()).as(String.valueOf(r.problem())).isTrue();
    assertThat(r.records()).isEqualTo(5);
    assertThat(AuditLogReader.readEvents(good)).hasSize(5);

    Path bad = dir.resolve("bad");
    MerkleFrontier other = new MerkleFrontier();
    try (AuditLogExport out = AuditLogExport.create(bad)) {
      out.checkpoint(Checkpoint.sign(logId, Checkpoint.NO_PREVIOUS, 0, other.root(), t, key));
      for (int i = 0; i < 5; i++) {
        byte[] rec = AuditEventCodec.encode(i, event(i), "pod-" + (i % 2));
        other.appendLeaf(rec);
        out.record(i == 2 ? AuditEventCodec.encode(2, event(99), "pod-0") : rec);
      }
      out.checkpoint(Checkpoint.sign(logId, 0, 5, other.root(), t.plusSeconds(10), key));
    }
    assertThat(AuditLogVerifier.of(key.publicKey()).verify(bad).valid()).isFalse();
  }

  @Test
  void exportRefusesADirectoryThatIsNotEmpty() throws Exception {
    java.nio.file.Files.writeString(dir.resolve("x"), "x");
    assertThatThrownBy(() -> AuditLogExport.create(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not empty");
  }
}

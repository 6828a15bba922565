package dev.breakglass.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox's files: owner-only whatever the umask, and compaction through the durable-file layer. */
class AlertOutboxFilesTest {
  @TempDir Path dir;

  private static String perms(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void outboxDirectoryAndSegmentsAreOwnerOnly_evenAfterCompaction() throws Exception {
    assumeTrue(DurableFiles.isPosix(dir));
    Path outboxDir = dir.resolve("data/alert-outbox");
    try (AlertOutbox outbox = AlertOutbox.open(outboxDir).outbox()) {
      outbox.append("one".getBytes(StandardCharsets.UTF_8));
      assertThat(perms(outboxDir)).isEqualTo("rwx------");
      assertThat(perms(dir.resolve("data"))).isEqualTo("rwx------");
      assertThat(perms(outboxDir.resolve("alerts-000001.jsonl"))).isEqualTo("rw-------");
      outbox.rewrite(List.of("two".getBytes(StandardCharsets.UTF_8)));
      outbox.append("three".getBytes(StandardCharsets.UTF_8));
      assertThat(perms(outboxDir.resolve("alerts-000002.jsonl"))).isEqualTo("rw-------");
    }
    AlertOutbox.Loaded reopened = AlertOutbox.open(outboxDir);
    reopened.outbox().close();
    assertThat(reopened.records()).containsExactly("two", "three");
  }

  @Test
  void aCompactionLeftoverFromACrashIsRemovedAtOpen() throws Exception {
    Path outboxDir = Files.createDirectories(dir.resolve("alert-outbox"));
    Files.writeString(outboxDir.resolve("alerts-000001.jsonl"), "kept\n");
    Files.writeString(outboxDir.resolve(".alerts-000002.jsonl.123.tmp"), "partial");
    AlertOutbox.Loaded loaded = AlertOutbox.open(outboxDir);
    loaded.outbox().close();
    assertThat(loaded.records()).containsExactly("kept");
    try (Stream<Path> files = Files.list(outboxDir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("alerts-000001.jsonl");
    }
  }
}

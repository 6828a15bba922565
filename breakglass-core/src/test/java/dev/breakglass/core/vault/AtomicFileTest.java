package dev.breakglass.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
  @TempDir Path dir;

  private long filesIn(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.count();
    }
  }

  @Test
  void writeCreatesAndReplacesTheFileAndLeavesNoTemporaryFile() throws Exception {
    Path target = dir.resolve("data.json");
    AtomicFile.write(target, "one".getBytes(StandardCharsets.UTF_8));
    AtomicFile.write(target, "two".getBytes(StandardCharsets.UTF_8));
    assertThat(target).hasContent("two");
    assertThat(filesIn(dir)).isEqualTo(1);
  }

  @Test
  void writeCreatesMissingParentDirectories() throws Exception {
    Path target = dir.resolve("a/b/data.json");
    AtomicFile.write(target, new byte[] {1, 2, 3});
    assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
  }

  @Test
  void aFailedReplaceKeepsTheOldTargetAndRemovesTheTemporaryFile() throws Exception {
    // A non-empty directory at the target makes the rename fail after the content was written.
    Path target = dir.resolve("blocked");
    Files.createDirectories(target);
    Files.writeString(target.resolve("inside"), "keep");
    assertThatThrownBy(() -> AtomicFile.write(target, "new".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
    assertThat(target.resolve("inside")).hasContent("keep");
    assertThat(filesIn(dir)).as("no temporary file left").isEqualTo(1);
  }

  @Test
  void deleteLeftoversRemovesOnlyThisTargetsTemporaryFiles() throws Exception {
    Path target = dir.resolve("vault.json");
    Files.writeString(target, "current");
    Files.writeString(dir.resolve(".vault.json.111.tmp"), "partial");
    Files.writeString(dir.resolve(".vault.json.222.tmp"), "partial");
    Files.writeString(dir.resolve(".other.json.333.tmp"), "not ours");
    Files.writeString(dir.resolve("vault.json.bak"), "not ours");
    assertThat(AtomicFile.deleteLeftovers(target)).isEqualTo(2);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("vault.json", ".other.json.333.tmp", "vault.json.bak");
    }
  }
}

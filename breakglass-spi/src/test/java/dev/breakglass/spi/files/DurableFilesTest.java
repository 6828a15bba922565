package dev.breakglass.spi.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
  @TempDir Path dir;

  private long filesIn(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.count();
    }
  }

  @Test
  void writeCreatesAndReplacesTheFileAndLeavesNoTemporaryFile() throws Exception {
    Path target = dir.resolve("data.json");
    DurableFiles.write(target, "one".getBytes(StandardCharsets.UTF_8));
    DurableFiles.write(target, "two".getBytes(StandardCharsets.UTF_8));
    assertThat(target).hasContent("two");
    assertThat(filesIn(dir)).isEqualTo(1);
  }

  @Test
  void writeCreatesMissingParentDirectories() throws Exception {
    Path target = dir.resolve("a/b/data.json");
    DurableFiles.write(target, new byte[] {1, 2, 3});
    assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
  }

  @Test
  void aFailedReplaceKeepsTheOldTargetAndRemovesTheTemporaryFile() throws Exception {
    // A non-empty directory at the target makes the rename fail after the content was written.
    Path target = dir.resolve("blocked");
    Files.createDirectories(target);
    Files.writeString(target.resolve("inside"), "keep");
    assertThatThrownBy(() -> DurableFiles.write(target, "new".getBytes(StandardCharsets.UTF_8)))
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
    assertThat(DurableFiles.deleteLeftovers(target)).isEqualTo(2);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("vault.json", ".other.json.333.tmp", "vault.json.bak");
    }
  }

  private static String perms(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void write_makesNewFilesAndDirectoriesOwnerOnly_whateverTheUmask() throws Exception {
    assumeTrue(DurableFiles.isPosix(dir));
    // The test JVM runs with the usual umask 022: files would be 644 and directories 755 by default.
    Path target = dir.resolve("data/vaults/vault.json");
    DurableFiles.write(target, new byte[] {1});
    assertThat(perms(target)).isEqualTo("rw-------");
    assertThat(perms(dir.resolve("data/vaults"))).isEqualTo("rwx------");
    assertThat(perms(dir.resolve("data"))).isEqualTo("rwx------");
  }

  @Test
  void write_replacingAWorldReadableFile_leavesItOwnerOnly() throws Exception {
    assumeTrue(DurableFiles.isPosix(dir));
    Path target = Files.writeString(dir.resolve("old.json"), "old");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    DurableFiles.write(target, new byte[] {1});
    assertThat(perms(target)).isEqualTo("rw-------");
  }

  @Test
  void openPrivate_createsOwnerOnlyFilesAndDirectories() throws Exception {
    assumeTrue(DurableFiles.isPosix(dir));
    Path file = dir.resolve("outbox/alerts-000001.jsonl");
    DurableFiles.openPrivate(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
    assertThat(perms(file)).isEqualTo("rw-------");
    assertThat(perms(dir.resolve("outbox"))).isEqualTo("rwx------");
  }

  @Test
  void createPrivateDirectories_leavesExistingDirectoriesAlone() throws Exception {
    assumeTrue(DurableFiles.isPosix(dir));
    Path existing = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));
    DurableFiles.createPrivateDirectories(existing.resolve("mine"));
    assertThat(perms(existing)).isEqualTo("rwxr-xr-x");
    assertThat(perms(existing.resolve("mine"))).isEqualTo("rwx------");
  }

  @Test
  void fsyncDirectory_forcesAnExistingDirectory_andThrowsForAMissingOneOnPosix() throws Exception {
    assumeTrue(DurableFiles.isPosix(dir));
    DurableFiles.fsyncDirectory(dir);
    assertThatThrownBy(() -> DurableFiles.fsyncDirectory(dir.resolve("missing"))).isInstanceOf(IOException.class);
  }
}

package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.GrantStatus;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.tck.GrantStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileGrantStoreTest extends GrantStoreContract {
  @TempDir Path dir;

  @Override
  protected GrantStore createStore() {
    return FileGrantStore.open(dir.resolve("state"));
  }

  @Override
  protected GrantStore reopenStore() {
    return FileGrantStore.open(dir.resolve("state"));
  }

  @Override
  protected ChildProcessStore childProcessStore() {
    return new ChildProcessStore(Opener.class, dir.resolve("state").toString());
  }

  /** Opens the store in the SIGKILL rule's child JVM. */
  public static final class Opener implements StoreOpener {
    @Override
    public GrantStore open(String location) {
      return FileGrantStore.open(Path.of(location));
    }
  }

  @Test
  void aTornFrameAtTheJournalTailIsCutAndEverythingBeforeItKept() throws Exception {
    GrantRecord g = pending("db");
    store.insert(g);
    GrantRecord issued = g.issued(Instant.parse("2026-01-01T00:05:00Z"));
    assertThat(store.replace(g, issued)).isTrue();
    // Simulate a crash: copy the live journal before close compacts it, then append half a frame.
    Path journal = dir.resolve("state/grants.journal");
    byte[] live = Files.readAllBytes(journal);
    store.close();
    Files.delete(dir.resolve("state/grants.snapshot"));
    byte[] torn = new byte[live.length + 7];
    System.arraycopy(live, 0, torn, 0, live.length);
    torn[live.length + 3] = 42;
    Files.write(journal, torn);

    store = reopenStore();

    assertThat(store.find(g.id())).contains(issued);
    assertThat(Files.size(journal)).isZero();
  }

  @Test
  void aDamagedSnapshotRefusesToOpenNamingTheFile() throws Exception {
    store.insert(pending("db"));
    store.close();
    store = reopenStore();
    store.close();
    Path snapshot = dir.resolve("state/grants.snapshot");
    byte[] bytes = Files.readAllBytes(snapshot);
    bytes[bytes.length - 1] ^= 1;
    Files.write(snapshot, bytes);

    assertThatThrownBy(this::reopenStore).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("grants.snapshot is damaged");
    store = createStoreOverEmptyDirectory();
  }

  @Test
  void filesAreOwnerOnly() throws IOException {
    store.insert(pending("db"));
    store.close();
    store = reopenStore();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state"))))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state/grants.journal"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state/grants.snapshot"))))
        .isEqualTo("rw-------");
  }

  @Test
  void compactionWhileRunningKeepsEveryRecord() throws Exception {
    store.close();
    store = FileGrantStore.open(dir.resolve("state"), 4096);
    for (int i = 0; i < 200; i++) {
      GrantRecord g = pending("db-" + i);
      store.insert(g);
      assertThat(store.replace(g, g.issued(Instant.EPOCH))).isTrue();
    }
    assertThat(Files.size(dir.resolve("state/grants.journal"))).isLessThan(4096 + 1024);
    store.close();
    store = reopenStore();
    assertThat(store.findByStatus(EnumSet.of(GrantStatus.ACTIVE))).hasSize(200);
    try (FileChannel ch = FileChannel.open(dir.resolve("state/grants.journal"), StandardOpenOption.READ)) {
      assertThat(ch.size()).isZero();
    }
  }

  @Test
  void aSecondStoreOnTheSameDirectoryIsRefusedNamingTheJournal() {
    assertThatThrownBy(this::reopenStore).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("grants.journal is in use by another grant store");
    store.insert(pending("db"));
  }

  private GrantStore createStoreOverEmptyDirectory() {
    return FileGrantStore.open(dir.resolve("other"));
  }
}

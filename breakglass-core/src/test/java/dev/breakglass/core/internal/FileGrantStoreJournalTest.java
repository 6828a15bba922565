package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ApprovalRecord;
import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileGrantStore}'s journal and snapshot on disk: when compaction happens, what survives two
 * restarts, the tails a crash can leave, and what a closed store refuses.
 */
class FileGrantStoreJournalTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  private FileGrantStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private Path state() {
    return dir.resolve("state");
  }

  private Path journal() {
    return state().resolve("grants.journal");
  }

  private FileGrantStore reopen() {
    if (store != null) {
      store.close();
    }
    store = FileGrantStore.open(state());
    return store;
  }

  private static GrantRecord pending(String id, String account, Instant requestedAt) {
    return new GrantRecord(id, "alice", account, "outage", "INC-1", Duration.ofMinutes(30), "digest", requestedAt, 2,
        List.of(), GrantStatus.PENDING_APPROVAL, null, null, null, false, 0);
  }

  @Test
  void aJournalExactlyAtTheThreshold_isKept_oneByteMoreIsCompacted() throws Exception {
    GrantRecord g = pending("g-1", "db", T0);
    int frame = StateCodec.frame(g).length;
    store = FileGrantStore.open(state(), frame);

    store.insert(g);
    assertThat(Files.size(journal())).isEqualTo(frame);

    GrantRecord next = g.withApproval(new ApprovalRecord("carol", T0));
    assertThat(store.replace(g, next)).isTrue();
    assertThat(Files.size(journal())).as("compacted into the snapshot").isZero();
    assertThat(reopen().find("g-1")).contains(next);
  }

  @Test
  void everyKindOfChange_compactsOnceThePastThreshold() throws Exception {
    store = FileGrantStore.open(state(), 1);
    GrantRecord g = pending("g-1", "db", T0);

    store.insert(g);
    assertThat(Files.size(journal())).isZero();
    assertThat(store.replace(g, g.issued(T0))).isTrue();
    assertThat(Files.size(journal())).isZero();
    assertThat(store.replaceAccount(AccountState.initial("db"), AccountState.initial("db").heldBy("g-1"))).isTrue();
    assertThat(Files.size(journal())).isZero();

    assertThat(reopen().account("db").holder()).isEqualTo("g-1");
    assertThat(store.find("g-1").orElseThrow().status()).isEqualTo(GrantStatus.ACTIVE);
  }

  @Test
  void accountStates_surviveMoreThanOneRestart() {
    store = FileGrantStore.open(state());
    store.insert(pending("g-1", "db", T0));
    AccountState held = AccountState.initial("db").heldBy("g-1");
    assertThat(store.replaceAccount(AccountState.initial("db"), held)).isTrue();

    reopen();
    reopen();

    assertThat(store.account("db").holder()).isEqualTo("g-1");
    assertThat(store.account("db").version()).isEqualTo(1);
    assertThat(store.find("g-1")).isPresent();
  }

  @Test
  void aStaleOrMismatchedAccountUpdate_isRefused_andChangesNothing() {
    store = FileGrantStore.open(state());
    AccountState initial = AccountState.initial("db");
    AccountState held = initial.heldBy("g-1");
    assertThat(store.replaceAccount(initial, held)).isTrue();

    assertThat(store.replaceAccount(initial, initial.heldBy("g-2"))).as("stale").isFalse();
    assertThat(store.replaceAccount(held, AccountState.initial("other").heldBy("g-2"))).as("other account").isFalse();
    assertThat(store.replaceAccount(held, held)).as("same version").isFalse();
    assertThat(store.account("db")).isEqualTo(held);
  }

  @Test
  void findByStatus_ordersByRequestTimeThenId() {
    store = FileGrantStore.open(state());
    store.insert(pending("g-b", "db", T0.plusSeconds(60)));
    store.insert(pending("g-c", "db", T0));
    store.insert(pending("g-a", "db", T0.plusSeconds(60)));

    assertThat(store.findByStatus(EnumSet.of(GrantStatus.PENDING_APPROVAL))).extracting(GrantRecord::id)
        .containsExactly("g-c", "g-a", "g-b");
  }

  @Test
  void emptyTexts_roundTrip() {
    store = FileGrantStore.open(state());
    GrantRecord g = new GrantRecord("g-1", "alice", "db", "", "", Duration.ofMinutes(30), "digest", T0, 0, List.of(),
        GrantStatus.PENDING_APPROVAL, null, null, null, false, 0);
    store.insert(g);

    assertThat(reopen().find("g-1")).contains(g);
  }

  @Test
  void aZeroFilledTail_asACrashCanLeave_isCutAndEverythingBeforeItKept() throws Exception {
    store = FileGrantStore.open(state());
    GrantRecord g = pending("g-1", "db", T0);
    store.insert(g);
    byte[] live = Files.readAllBytes(journal());
    store.close();
    store = null;
    Files.delete(state().resolve("grants.snapshot"));
    byte[] withZeros = new byte[live.length + 4096];
    System.arraycopy(live, 0, withZeros, 0, live.length);
    Files.write(journal(), withZeros);

    assertThat(reopen().find("g-1")).contains(g);
    assertThat(Files.size(journal())).isZero();
  }

  @Test
  void aSnapshotWithABadFrameAfterGoodOnes_isRefusedNamingTheOffset() throws Exception {
    store = FileGrantStore.open(state());
    store.insert(pending("g-1", "db", T0));
    reopen();
    store.close();
    store = null;
    Path snapshot = state().resolve("grants.snapshot");
    byte[] good = Files.readAllBytes(snapshot);
    byte[] damaged = new byte[good.length + 8];
    System.arraycopy(good, 0, damaged, 0, good.length);
    damaged[good.length + 3] = 1;
    Files.write(snapshot, damaged);

    assertThatThrownBy(this::reopen).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("grants.snapshot is damaged at byte " + good.length + " (bad frame)");
  }

  @Test
  void aClosedStore_refusesEveryChange() {
    store = FileGrantStore.open(state());
    GrantRecord g = pending("g-1", "db", T0);
    store.insert(g);
    store.close();

    assertThatThrownBy(() -> store.insert(pending("g-2", "db", T0))).isInstanceOf(IllegalStateException.class)
        .hasMessageEndingWith("is closed");
    assertThatThrownBy(() -> store.replace(g, g.issued(T0))).isInstanceOf(IllegalStateException.class)
        .hasMessageEndingWith("is closed");
    assertThatThrownBy(() -> store.replaceAccount(AccountState.initial("db"), AccountState.initial("db").heldBy("g-1")))
        .isInstanceOf(IllegalStateException.class).hasMessageEndingWith("is closed");
    store = null;
    assertThat(reopen().find("g-1")).contains(g);
    assertThat(store.account("db")).isEqualTo(AccountState.initial("db"));
  }
}

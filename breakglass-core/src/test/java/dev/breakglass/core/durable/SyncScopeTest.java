package dev.breakglass.core.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class SyncScopeTest {
  private final List<String> forced = Collections.synchronizedList(new ArrayList<>());
  private final List<String> forcedOn = Collections.synchronizedList(new ArrayList<>());

  private boolean write(String file) {
    return SyncScope.defer(file, () -> {
      forced.add(file);
      forcedOn.add(Thread.currentThread().getName());
    });
  }

  @Test
  void outsideAnOperationAWriteForcesItself() {
    assertThat(SyncScope.active()).isFalse();
    assertThat(write("journal")).isFalse();
    assertThat(forced).isEmpty();
  }

  @Test
  void eachFileIsForcedOnceWhenTheOperationEndsTheFirstOnTheCallingThread() {
    String result = SyncScope.run(() -> {
      assertThat(SyncScope.active()).isTrue();
      assertThat(write("journal")).isTrue();
      assertThat(write("outbox")).isTrue();
      assertThat(write("journal")).isTrue();
      assertThat(forced).as("nothing is forced before the operation ends").isEmpty();
      return "granted";
    });
    assertThat(result).isEqualTo("granted");
    assertThat(forced).containsExactlyInAnyOrder("journal", "outbox");
    assertThat(forcedOn).contains(Thread.currentThread().getName()).hasSize(2)
        .as("the second file is forced at the same time on another thread").contains("breakglass-force");
    assertThat(SyncScope.active()).isFalse();
  }

  @Test
  void nestedOperationsForceOnlyWhenTheOutermostEnds() {
    SyncScope.run(() -> {
      SyncScope.run(() -> {
        write("journal");
      });
      assertThat(forced).as("the inner operation is part of the outer one").isEmpty();
      write("outbox");
    });
    assertThat(forced).containsExactlyInAnyOrder("journal", "outbox");
  }

  @Test
  void anOperationThatThrowsStillForcesWhatItWroteBeforeItsCallerSeesTheError() {
    assertThatThrownBy(() -> SyncScope.run(() -> {
      write("journal");
      throw new IllegalStateException("refused: rate limit");
    })).isInstanceOf(IllegalStateException.class).hasMessage("refused: rate limit");
    assertThat(forced).containsExactly("journal");
    assertThat(SyncScope.active()).isFalse();
  }

  @Test
  void aFailedForceFailsAnOperationThatWouldHaveSucceeded() {
    UncheckedIOException diskFull = new UncheckedIOException(new IOException("No space left on device"));
    assertThatThrownBy(() -> SyncScope.run(() -> {
      SyncScope.defer("journal", () -> {
        throw diskFull;
      });
      write("outbox");
      return "granted";
    })).isSameAs(diskFull);
    assertThat(forced).as("the other files are still forced").containsExactly("outbox");
  }

  @Test
  void aFailedForceIsKeptWithTheOperationsOwnError() {
    UncheckedIOException diskFull = new UncheckedIOException(new IOException("No space left on device"));
    IllegalStateException refusal = new IllegalStateException("refused");
    assertThatThrownBy(() -> SyncScope.run(() -> {
      SyncScope.defer("journal", () -> {
        throw diskFull;
      });
      throw refusal;
    })).isSameAs(refusal).satisfies(e -> assertThat(e.getSuppressed()).containsExactly(diskFull));
  }

  @Test
  void twoFailedForcesAreBothReported() {
    RuntimeException first = new UncheckedIOException(new IOException("journal"));
    RuntimeException second = new UncheckedIOException(new IOException("outbox"));
    assertThatThrownBy(() -> SyncScope.run(() -> {
      SyncScope.defer("journal", () -> {
        throw first;
      });
      SyncScope.defer("outbox", () -> {
        throw second;
      });
    })).isSameAs(first).satisfies(e -> assertThat(e.getSuppressed()).containsExactly(second));
  }

  @Test
  void aWriteMadeByAForceIsNotDeferredIntoAScopeThatHasEnded() {
    List<Boolean> deferredInsideForce = new ArrayList<>();
    SyncScope.run(() -> {
      SyncScope.defer("journal", () -> deferredInsideForce.add(write("outbox")));
    });
    assertThat(deferredInsideForce).containsExactly(false);
    assertThat(SyncScope.active()).isFalse();
  }

  @Test
  void theOperationDoesNotReturnBeforeTheFileForcedOnAnotherThreadIsForced() {
    CountDownLatch slowForceStarted = new CountDownLatch(1);
    AtomicBoolean slowForceDone = new AtomicBoolean();
    SyncScope.run(() -> {
      write("journal");
      SyncScope.defer("outbox", () -> {
        slowForceStarted.countDown();
        LockSupport.parkNanos(50_000_000L);
        slowForceDone.set(true);
      });
    });
    assertThat(slowForceStarted.getCount()).isZero();
    assertThat(slowForceDone).as("returned only after the other thread's force ended").isTrue();
  }

  @Test
  void scopesArePerThread() throws Exception {
    List<Boolean> other = new ArrayList<>();
    SyncScope.run(() -> {
      Thread t = new Thread(() -> other.add(SyncScope.defer("journal", () -> { })));
      t.start();
      try {
        t.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    assertThat(other).as("another thread's write is not part of this operation").containsExactly(false);
  }
}

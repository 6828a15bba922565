package dev.breakglass.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.WitnessedCheckpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link CheckpointWitness} that can be read back (the kind the engine checks at
 * start). Extend it, return an empty witness from {@link #createWitness()}, and every rule below
 * runs against your implementation:
 *
 * <pre>{@code
 * class S3WitnessTest extends CheckpointWitnessContract {
 *   @Override protected CheckpointWitness createWitness() { return new S3Witness(freshBucket()); }
 *   @Override protected CheckpointWitness reopenWitness() { return new S3Witness(sameBucket()); }
 * }
 * }</pre>
 *
 * <p>What it checks: a new witness holds nothing; it returns exactly the text it was given; it
 * keeps the newest checkpoint (larger tree size) and ignores older or equal ones; it refuses a
 * checkpoint of another log and keeps the one it holds; concurrent calls leave the largest; and,
 * unless {@link #reopenWitness()} returns {@code null}, what it holds survives a close and reopen.
 *
 * <p>The checkpoints used here are well-formed but not signed by a real key (a witness never checks
 * signatures; the engine does, when it reads them back): see {@link #checkpoint(String, long)}.
 */
public abstract class CheckpointWitnessContract {
  /** A log id for the log under test. */
  protected static final String LOG = "6f1c0e9a4b2d48c3a1f0e5d7c9b8a716";
  /** A log id of another log. */
  protected static final String OTHER_LOG = "0123456789abcdef0123456789abcdef";

  /**
   * A new witness over empty storage. Closed after each test.
   *
   * @return the witness under test
   */
  protected abstract CheckpointWitness createWitness();

  /**
   * A witness over the same storage as the last one created, called after that one was closed;
   * {@code null} if the witness keeps nothing across a close (the durability rule is then skipped).
   *
   * @return the reopened witness, or {@code null}
   */
  protected abstract CheckpointWitness reopenWitness();

  /** The witness of the running test, from {@link #createWitness()}. */
  protected CheckpointWitness witness;

  @BeforeEach
  void openWitness() {
    witness = createWitness();
  }

  @AfterEach
  void closeWitness() throws Exception {
    if (witness != null) {
      witness.close();
    }
  }

  /**
   * A well-formed checkpoint text of log {@code logId} covering {@code size} records, with a root
   * and signature derived from its size (not a real signature).
   *
   * @param logId the log id, for example {@link #LOG} or {@link #OTHER_LOG}
   * @param size how many records it covers; a larger size is a newer checkpoint
   * @return the parsed checkpoint
   */
  protected static WitnessedCheckpoint checkpoint(String logId, long size) {
    byte[] root = new byte[32];
    byte[] signature = new byte[64];
    for (int i = 0; i < root.length; i++) {
      root[i] = (byte) (size * 31 + i);
    }
    for (int i = 0; i < signature.length; i++) {
      signature[i] = (byte) (size * 17 + i);
    }
    String text = WitnessedCheckpoint.HEADER + "\nlog " + logId + "\nsize " + size + "\nprevious "
        + (size == 0 ? "none" : Long.toString(size - 1)) + "\nroot " + Base64.getEncoder().encodeToString(root)
        + "\ntime " + Instant.parse("2026-01-01T00:00:00Z").plusSeconds(size) + "\nkey 0011223344556677\nsignature "
        + Base64.getEncoder().encodeToString(signature) + "\n";
    return WitnessedCheckpoint.parse(text);
  }

  @Test
  void hasAName() {
    assertThat(witness.name()).isNotBlank();
  }

  @Test
  void aNewWitnessHoldsNothing() {
    assertThat(witness.newest()).isEmpty();
  }

  @Test
  void returnsExactlyTheTextItWasGiven() {
    WitnessedCheckpoint c = checkpoint(LOG, 5);
    witness.witness(c);
    assertThat(witness.newest()).hasValueSatisfying(held -> {
      assertThat(held.text()).isEqualTo(c.text());
      assertThat(held.logId()).isEqualTo(LOG);
      assertThat(held.treeSize()).isEqualTo(5);
    });
  }

  @Nested
  class Newest {
    @Test
    void aLargerCheckpointReplacesTheHeldOne() {
      witness.witness(checkpoint(LOG, 0));
      witness.witness(checkpoint(LOG, 7));
      assertThat(witness.newest()).contains(checkpoint(LOG, 7));
    }

    @Test
    void anOlderCheckpointNeverReplacesANewerOne() {
      witness.witness(checkpoint(LOG, 9));
      witness.witness(checkpoint(LOG, 4));
      assertThat(witness.newest()).contains(checkpoint(LOG, 9));
    }

    @Test
    void theSameCheckpointAgainChangesNothing() {
      witness.witness(checkpoint(LOG, 3));
      witness.witness(checkpoint(LOG, 3));
      assertThat(witness.newest()).contains(checkpoint(LOG, 3));
    }

    @Test
    void concurrentCheckpointsLeaveTheLargest() throws Exception {
      int threads = 8;
      int each = 20;
      CyclicBarrier start = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int offset = t;
          done.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < each; i++) {
              witness.witness(checkpoint(LOG, (long) i * threads + offset));
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(witness.newest()).contains(checkpoint(LOG, (long) threads * each - 1));
    }
  }

  @Nested
  class OneLog {
    @Test
    void aCheckpointOfAnotherLogIsRefusedAndTheHeldOneStays() {
      witness.witness(checkpoint(LOG, 2));
      assertThatThrownBy(() -> witness.witness(checkpoint(OTHER_LOG, 50))).isInstanceOf(IllegalStateException.class);
      assertThat(witness.newest()).contains(checkpoint(LOG, 2));
    }
  }

  @Nested
  class Durability {
    @Test
    void theNewestCheckpointSurvivesCloseAndReopen() throws Exception {
      witness.witness(checkpoint(LOG, 1));
      witness.witness(checkpoint(LOG, 12));
      witness.close();
      witness = reopenWitness();
      Assumptions.assumeTrue(witness != null, "the witness keeps nothing across a close");
      assertThat(witness.newest()).contains(checkpoint(LOG, 12));
    }
  }
}

package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.WitnessedCheckpoint;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Checkpoints reach every witness in order, in the background, and close waits for what is queued. */
class WitnessPublisherTest {
  static final AuditSigningKey KEY = AuditSigningKey.generate();
  static final String LOG = "0123456789abcdef0123456789abcdef";
  static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

  static Checkpoint cp(long previous, long size) {
    return Checkpoint.sign(LOG, previous, size, new byte[32], T, KEY);
  }

  /** Keeps the sizes it was given, after an optional pause; fails on request. */
  static class Witness implements CheckpointWitness {
    final String name;
    final long pauseMillis;
    final boolean fail;
    final List<Long> sizes = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    Witness(String name, long pauseMillis, boolean fail) {
      this.name = name;
      this.pauseMillis = pauseMillis;
      this.fail = fail;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void witness(WitnessedCheckpoint checkpoint) {
      threads.add(Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? " daemon" : ""));
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (fail) {
        throw new IllegalStateException("witness store full");
      }
      sizes.add(checkpoint.treeSize());
    }

    @Override
    public Optional<WitnessedCheckpoint> newest() {
      return Optional.empty();
    }
  }

  @Test
  void everyWitnessGetsEveryCheckpointInOrderEvenWhenAnotherFails() {
    Witness failing = new Witness("failing", 0, true);
    Witness slow = new Witness("slow", 20, false);
    Witness fast = new Witness("fast", 0, false);
    WitnessPublisher p = new WitnessPublisher("test-log", List.of(failing, slow, fast));
    p.publish(cp(Checkpoint.NO_PREVIOUS, 0));
    p.publish(cp(0, 2));
    p.publish(cp(2, 5));
    p.close();
    assertThat(slow.sizes).as("close waited for everything queued").containsExactly(0L, 2L, 5L);
    assertThat(fast.sizes).containsExactly(0L, 2L, 5L);
    assertThat(failing.threads).hasSize(3).containsOnly("breakglass-audit-witness daemon");
  }

  @Test
  void aCheckpointWithoutALogIdIsNotWitnessed() {
    Witness w = new Witness("w", 0, false);
    WitnessPublisher p = new WitnessPublisher("test-log", List.of(w));
    p.publish(Checkpoint.signVersion1(3, new byte[32], T, KEY));
    p.add(new Witness("late", 0, false), Checkpoint.signVersion1(3, new byte[32], T, KEY));
    p.close();
    assertThat(w.sizes).isEmpty();
  }

  @Test
  void aWitnessAddedLaterStartsFromTheLatestCheckpoint() throws InterruptedException {
    Witness first = new Witness("first", 0, false);
    WitnessPublisher p = new WitnessPublisher("test-log", List.of(first));
    p.publish(cp(Checkpoint.NO_PREVIOUS, 0));
    for (int i = 0; i < 500 && first.sizes.isEmpty(); i++) {
      Thread.sleep(10);
    }
    assertThat(first.sizes).containsExactly(0L);
    Witness late = new Witness("late", 0, false);
    p.add(late, cp(0, 4));
    Witness empty = new Witness("empty", 0, false);
    p.add(empty, null);
    p.publish(cp(4, 6));
    p.close();
    assertThat(first.sizes).containsExactly(0L, 6L);
    assertThat(late.sizes).containsExactly(4L, 6L);
    assertThat(empty.sizes).containsExactly(6L);
  }

  @Test
  void aPublisherWithoutWitnessesAndAClosedPublisherDeliverNothing() {
    WitnessPublisher none = new WitnessPublisher("test-log", List.of());
    none.publish(cp(Checkpoint.NO_PREVIOUS, 0));
    none.close();
    Witness w = new Witness("w", 0, false);
    WitnessPublisher p = new WitnessPublisher("test-log", List.of(w));
    p.close();
    p.publish(cp(Checkpoint.NO_PREVIOUS, 0));
    p.add(new Witness("late", 0, false), cp(0, 1));
    assertThat(w.sizes).isEmpty();
  }
}

package dev.breakglass.spi;

import java.util.Optional;

/**
 * Keeps signed audit log checkpoints somewhere the engine's data directory cannot reach, so that
 * whoever can rewrite the data directory cannot roll the log back, cut it short or swap it for
 * another one unnoticed.
 *
 * <h2>What the engine does with it</h2>
 * <ul>
 *   <li>After every checkpoint is durable in the log, the engine hands it to
 *       {@link #witness(WitnessedCheckpoint)} (on its own thread, never on a caller's).
 *   <li>At start, before the log accepts a record, the engine reads {@link #newest()} of every
 *       witness and refuses to start (CRITICAL alert, nothing granted) unless the log extends it:
 *       the same log id, the same signing key, at least as many records, and the same Merkle root
 *       over the first {@code treeSize} records. A rollback of the whole data directory to an
 *       older copy fails this check.
 * </ul>
 *
 * <h2>What an implementation must do</h2>
 * <ul>
 *   <li>Serve one log: the first checkpoint fixes the log id; a checkpoint of another log id is
 *       refused with an {@link IllegalStateException}, and the held one stays.
 *   <li>Keep the newest: a checkpoint with a larger {@link WitnessedCheckpoint#treeSize()} replaces
 *       the held one; an older or equally large one is ignored (the engine may send one again
 *       after a restart), never stored over a newer one.
 *   <li>Be durable before returning from {@link #witness}, and return the text verbatim.
 *   <li>Be thread-safe.
 * </ul>
 *
 * <p>Keep the storage where the host's data directory writers cannot write: another volume,
 * another user's directory, another machine, a database. A witness that cannot be read back (an
 * alert channel, a ticket system) still keeps copies for reviewers and answers
 * {@link #newest()} with empty. Prove an implementation with {@code CheckpointWitnessContract}
 * from breakglass-tck, and register a {@link CheckpointWitnessProvider}.
 *
 * <pre>{@code
 * public final class S3Witness implements CheckpointWitness {
 *   public String name() { return "s3"; }
 *   public synchronized void witness(WitnessedCheckpoint c) {
 *     Optional<WitnessedCheckpoint> held = newest();
 *     if (held.isPresent() && !held.get().logId().equals(c.logId())) {
 *       throw new IllegalStateException("bucket holds log " + held.get().logId());
 *     }
 *     if (held.isEmpty() || c.treeSize() > held.get().treeSize()) {
 *       bucket.put("checkpoint", c.text());
 *     }
 *   }
 *   public Optional<WitnessedCheckpoint> newest() {
 *     return bucket.get("checkpoint").map(WitnessedCheckpoint::parse);
 *   }
 * }
 * }</pre>
 */
public interface CheckpointWitness extends AutoCloseable {
  /**
   * A short name for messages, for example {@code directory}.
   *
   * @return the witness's name
   */
  String name();

  /**
   * Keeps {@code checkpoint} if it is newer than the one held (see the class comment).
   *
   * @param checkpoint the newest signed checkpoint of the log
   * @throws IllegalStateException if the witness holds a checkpoint of another log
   * @throws RuntimeException if it cannot be stored durably; the engine logs the failure and
   *     offers the next checkpoint as usual
   */
  void witness(WitnessedCheckpoint checkpoint);

  /**
   * The newest checkpoint held; empty if none has been witnessed yet or the witness cannot be read
   * back.
   *
   * @return the newest checkpoint, or empty
   * @throws RuntimeException if the held checkpoint cannot be read (the engine then refuses to
   *     start: it cannot prove the log extends it)
   */
  Optional<WitnessedCheckpoint> newest();

  /** Releases resources; idempotent. */
  @Override
  default void close() {}
}

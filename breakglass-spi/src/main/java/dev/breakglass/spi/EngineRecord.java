package dev.breakglass.spi;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a store knows about the runs of one engine node: whether it is running (a record still marked
 * running when the node starts again means the last run ended without a clean shutdown), when it started
 * and was last seen, and how far into the audit log the store is known to hold every change
 * ({@link #auditPosition()}: the engine reads the log from there at start to cross-check the store).
 * Versioned like {@link GrantRecord}. Immutable.
 *
 * @param nodeId the node's stable id
 * @param running whether a run has started and not yet stopped cleanly
 * @param startedAt when the current (or last) run started, if one has
 * @param lastSeenAt the last time the node recorded that it was alive, if ever
 * @param auditPosition the number of audit records whose changes this store holds (0: none checked yet)
 * @param version optimistic-concurrency version, starting at 0
 */
public record EngineRecord(String nodeId, boolean running, @Nullable Instant startedAt, @Nullable Instant lastSeenAt,
    long auditPosition, long version) {

  /**
   * Checks the fields: a node id is required and the position is never negative.
   *
   * @param nodeId the node's stable id
   * @param running whether a run has started and not stopped cleanly
   * @param startedAt when the current or last run started, or {@code null}
   * @param lastSeenAt when the node was last seen alive, or {@code null}
   * @param auditPosition audit records whose changes the store holds, never negative
   * @param version optimistic-concurrency version
   * @throws IllegalArgumentException if {@code auditPosition} is negative
   */
  public EngineRecord {
    Objects.requireNonNull(nodeId, "nodeId");
    if (auditPosition < 0) {
      throw new IllegalArgumentException("auditPosition must not be negative, was " + auditPosition);
    }
  }

  /**
   * The record of a node never seen before: not running, nothing checked, version 0.
   *
   * @param nodeId the node's stable id
   * @return a record at version 0
   */
  public static EngineRecord initial(String nodeId) {
    return new EngineRecord(nodeId, false, null, null, 0, 0);
  }

  /**
   * The next version: a run started at {@code at}.
   *
   * @param at when the run started
   * @return the next version, running
   */
  public EngineRecord started(Instant at) {
    return new EngineRecord(nodeId, true, at, at, auditPosition, version + 1);
  }

  /**
   * The next version: the run stopped cleanly at {@code at}, every change up to {@code position} stored.
   *
   * @param at when the run stopped
   * @param position the audit log's size at the stop
   * @return the next version, not running
   */
  public EngineRecord stopped(Instant at, long position) {
    return new EngineRecord(nodeId, false, startedAt, at, position, version + 1);
  }

  /**
   * The next version: alive at {@code at}, every change up to audit record {@code position} stored.
   *
   * @param position the number of audit records whose changes the store holds
   * @param at when the node was alive
   * @return the next version
   */
  public EngineRecord checkedUpTo(long position, Instant at) {
    return new EngineRecord(nodeId, running, startedAt, at, position, version + 1);
  }
}

package dev.breakglass.spi;

/**
 * Who runs the cluster-wide background work when several engine instances share one
 * {@link GrantStore}: ending expired grants and timed-out requests, retrying failed rotations,
 * raising overdue-drill alerts. Exactly one instance should do it at a time, or a tainted account's
 * rotation could run twice at once.
 *
 * <p>The engine asks {@link #tryHold()} at the start of every sweep and does that work only while it
 * holds the lease; every instance still follows the stored incident and keeps its own in-process
 * state. A grant past its expiry is unusable on every instance whether or not a sweep has ended it.
 *
 * <p>Built in: {@code lease=local} (the default: this instance always holds it, right for one
 * instance) and, in breakglass-postgresql, {@code lease=postgresql} (a lease row with an expiry and
 * a fencing token). An implementation:
 *
 * <pre>{@code
 * final class ZooKeeperLease implements WorkerLease {
 *   public boolean tryHold() { return leaderLatch.hasLeadership(); }
 *   public long token() { return leaderLatch.epoch(); }
 *   public void close() { leaderLatch.close(); }
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe and fail towards not holding: when the backing service cannot
 * be reached, {@code tryHold()} returns {@code false} (another instance may hold it by then).
 */
public interface WorkerLease extends AutoCloseable {
  /**
   * Takes the lease if nobody holds it, or renews it if this instance does.
   *
   * @return whether this instance holds the lease now, for at least as long as a sweep normally takes
   */
  boolean tryHold();

  /**
   * A number that grows every time the lease changes hands (a fencing token): work started under an
   * older token belongs to a holder that has lost the lease since. {@code 0} before the first
   * {@link #tryHold()} that succeeded.
   *
   * @return the token of this instance's current or last holding
   */
  long token();

  /** Gives the lease up if held, so another instance takes over at once, and releases resources. */
  @Override
  default void close() {}
}

package dev.breakglass.spi;

import dev.breakglass.GrantStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Holds all of the engine's state that must survive a restart, with compare-and-set updates so that
 * several engine instances (threads or nodes) can share one store. The engine never changes state any
 * other way. The state model:
 *
 * <ul>
 *   <li>{@link GrantRecord grants}, with their approvals, release flag and absolute expiry;
 *   <li>{@link AccountState accounts}: holder, taint, and the retry schedule of a pending rotation;
 *   <li>the declared {@link IncidentState incident};
 *   <li>{@link ThrottleState throttles}: rate-limit counters and backoff, by key;
 *   <li>{@link EngineRecord engine records}: per node, whether a run is in progress and how far into the
 *       audit log the store is known to hold every change.
 * </ul>
 *
 * <p>Every {@code replace...} method is a compare-and-set: it replaces {@code expected} with
 * {@code updated} if and only if the stored version still equals {@code expected.version()} and
 * {@code updated.version()} is exactly one more; a record never stored has version 0 and its initial
 * value ({@link AccountState#initial}, {@link IncidentState#none}, ...). The records' own transition
 * methods return the next version, so callers write {@code store.replaceAccount(s, s.heldBy(id))}.
 *
 * <p><b>Durability.</b> A store that survives a restart must make every change durable before the
 * method returns (a commit, an fsync): a change acknowledged before a crash or SIGKILL is never lost.
 * A store that keeps nothing across a close (the in-memory store) says so by returning {@code null}
 * from the TCK's {@code reopenStore()}.
 *
 * <p>Implementations must be thread-safe and linearizable per record. Prove an implementation with
 * {@code GrantStoreContract} from breakglass-tck.
 */
public interface GrantStore extends AutoCloseable {
  /**
   * Stores a new grant at version 0. A store that keeps state across restarts has made it durable
   * when this returns.
   *
   * @param grant the new grant
   * @throws IllegalStateException if a grant with that id exists
   * @throws IllegalArgumentException if its version is not 0
   */
  void insert(GrantRecord grant);

  /**
   * The stored grant with this id, as last written by any engine instance.
   *
   * @param grantId the grant id
   * @return the grant, or empty if none has that id
   */
  Optional<GrantRecord> find(String grantId);

  /**
   * Replaces {@code expected} with {@code updated} if and only if the stored version still equals
   * {@code expected.version()} and {@code updated.version()} is one more. The engine retries from a
   * fresh {@link #find} when this returns {@code false}:
   *
   * <pre>{@code
   * GrantRecord current = store.find(id).orElseThrow();
   * if (!store.replace(current, current.withApproval(approval))) {
   *   // another writer won: re-read and decide again
   * }
   * }</pre>
   *
   * @param expected the version the caller read
   * @param updated the next version of the same grant
   * @return whether the replacement happened
   */
  boolean replace(GrantRecord expected, GrantRecord updated);

  /**
   * Grants whose stored status is one of {@code statuses}, oldest request first.
   *
   * @param statuses the statuses wanted
   * @return the matching grants; empty if none
   */
  List<GrantRecord> findByStatus(Set<GrantStatus> statuses);

  /**
   * The state of {@code account}.
   *
   * @param account the account name
   * @return the stored state, or {@link AccountState#initial} if never stored
   */
  AccountState account(String account);

  /**
   * Compare-and-set of an account's state (an initial state has version 0).
   *
   * @param expected the version the caller read
   * @param updated the next version of the same account
   * @return whether the replacement happened
   */
  boolean replaceAccount(AccountState expected, AccountState updated);

  /**
   * The declared incident; {@link IncidentState#none()} if never stored.
   *
   * @return the stored incident state
   */
  IncidentState incident();

  /**
   * Compare-and-set of the declared incident.
   *
   * @param expected the version the caller read
   * @param updated the next version
   * @return whether the replacement happened
   */
  boolean replaceIncident(IncidentState expected, IncidentState updated);

  /**
   * Asks to be told, soon after the fact, when the stored incident may have changed because of
   * another instance sharing this store. The engine calls this once at start with a listener that
   * re-reads {@link #incident()}; it also re-reads it at every sweep, so a store that cannot tell
   * (the default, which does nothing) is followed within the sweep interval. A shared store that can
   * push changes (PostgreSQL's {@code LISTEN/NOTIFY}) calls {@code listener} on a thread of its own,
   * possibly for its own changes too and possibly more than once; it stops when the store closes.
   *
   * @param listener called after a change; must return quickly and never throws to the store
   */
  default void watchIncident(Runnable listener) {}

  /**
   * The throttle kept under {@code key}; {@link ThrottleState#initial} if never stored or purged.
   *
   * @param key what is counted, e.g. {@code request:alice}
   * @return the stored throttle
   */
  ThrottleState throttle(String key);

  /**
   * Compare-and-set of a throttle (an initial state has version 0).
   *
   * @param expected the version the caller read
   * @param updated the next version of the same key
   * @return whether the replacement happened
   */
  boolean replaceThrottle(ThrottleState expected, ThrottleState updated);

  /**
   * Removes every throttle that {@linkplain ThrottleState#isExpired expired} at {@code now}; each then
   * reads as {@link ThrottleState#initial} again, and a compare-and-set over a removed version fails.
   *
   * @return how many were removed
    *
    * @param now the current time
   */
  int purgeThrottles(Instant now);

  /**
   * What the store knows about node {@code nodeId}; {@link EngineRecord#initial} if never stored.
   *
   * @param nodeId the node's stable id
   * @return the stored engine record
   */
  EngineRecord engine(String nodeId);

  /**
   * Compare-and-set of a node's engine record (an initial record has version 0).
   *
   * @param expected the version the caller read
   * @param updated the next version of the same node
   * @return whether the replacement happened
   */
  boolean replaceEngine(EngineRecord expected, EngineRecord updated);

  /** Releases the store's resources; every change acknowledged before stays durable. */
  @Override
  default void close() {}
}

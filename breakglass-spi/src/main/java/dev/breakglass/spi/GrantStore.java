package dev.breakglass.spi;

import dev.breakglass.GrantStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Holds all grant and account state, with compare-and-set updates so that several engine
 * instances (threads or nodes) can share one store. The engine never changes state any other way.
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
   * Like {@link #replace} for account state (an initial state has version 0).
   *
   * @param expected the version the caller read
   * @param updated the next version of the same account
   * @return whether the replacement happened
   */
  boolean replaceAccount(AccountState expected, AccountState updated);

  /** Releases the store's resources (connections, files). The default does nothing. */
  @Override
  default void close() {}
}

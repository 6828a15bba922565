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
   * Stores a new grant at version 0.
   *
   * @throws IllegalStateException if a grant with that id exists
   */
  void insert(GrantRecord grant);

  Optional<GrantRecord> find(String grantId);

  /**
   * Replaces {@code expected} with {@code updated} if and only if the stored version still equals
   * {@code expected.version()} and {@code updated.version()} is one more.
   *
   * @return whether the replacement happened
   */
  boolean replace(GrantRecord expected, GrantRecord updated);

  /** Grants whose stored status is one of {@code statuses}, oldest request first. */
  List<GrantRecord> findByStatus(Set<GrantStatus> statuses);

  /** The state of {@code account}; {@link AccountState#initial} if never stored. */
  AccountState account(String account);

  /** Like {@link #replace} for account state (an initial state has version 0). */
  boolean replaceAccount(AccountState expected, AccountState updated);

  @Override
  default void close() {}
}

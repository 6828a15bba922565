package dev.breakglass.core.internal;

import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

/**
 * The embedded grant store: state lives in this process only and is lost on restart (every grant
 * then ends with the process). Compare-and-set through {@link ConcurrentMap#replace(Object, Object, Object)}
 * on the exact stored record, so updates are linearizable per record. Thread-safe.
 */
public final class InMemoryGrantStore implements GrantStore {
  /** The provider name. */
  public static final String NAME = "memory";

  private final ConcurrentMap<String, GrantRecord> grants = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AccountState> accounts = new ConcurrentHashMap<>();

  @Override
  public void insert(GrantRecord grant) {
    if (grant.version() != 0) {
      throw new IllegalArgumentException("a new grant must have version 0, was " + grant.version());
    }
    if (grants.putIfAbsent(grant.id(), grant) != null) {
      throw new IllegalStateException("grant " + grant.id() + " already exists");
    }
  }

  @Override
  public Optional<GrantRecord> find(String grantId) {
    return Optional.ofNullable(grants.get(grantId));
  }

  @Override
  public boolean replace(GrantRecord expected, GrantRecord updated) {
    if (!expected.id().equals(updated.id()) || updated.version() != expected.version() + 1) {
      return false;
    }
    GrantRecord current = grants.get(expected.id());
    return current != null && current.version() == expected.version()
        && grants.replace(expected.id(), current, updated);
  }

  @Override
  public List<GrantRecord> findByStatus(Set<GrantStatus> statuses) {
    return grants.values().stream()
        .filter(g -> statuses.contains(g.status()))
        .sorted(Comparator.comparing(GrantRecord::requestedAt).thenComparing(GrantRecord::id))
        .collect(Collectors.toList());
  }

  @Override
  public AccountState account(String account) {
    AccountState s = accounts.get(account);
    return s != null ? s : AccountState.initial(account);
  }

  @Override
  public boolean replaceAccount(AccountState expected, AccountState updated) {
    if (!expected.account().equals(updated.account()) || updated.version() != expected.version() + 1) {
      return false;
    }
    if (expected.version() == 0) {
      if (accounts.putIfAbsent(expected.account(), updated) == null) {
        return true;
      }
    }
    AccountState current = accounts.get(expected.account());
    return current != null && current.version() == expected.version()
        && accounts.replace(expected.account(), current, updated);
  }

  /** Creates the in-memory store; takes no properties. */
  public static final class Provider implements dev.breakglass.spi.GrantStoreProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public GrantStore create(dev.breakglass.spi.ProviderContext context) {
      return new InMemoryGrantStore();
    }
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.EngineRecord;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.IncidentState;
import dev.breakglass.spi.ThrottleState;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
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
  private final ConcurrentMap<String, ThrottleState> throttles = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, EngineRecord> engines = new ConcurrentHashMap<>();
  private final AtomicReference<IncidentState> incident = new AtomicReference<>(IncidentState.none());

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
    return expected.account().equals(updated.account())
        && compareAndSet(accounts, expected.account(), expected, updated, AccountState::version);
  }

  @Override
  public IncidentState incident() {
    return incident.get();
  }

  @Override
  public boolean replaceIncident(IncidentState expected, IncidentState updated) {
    if (updated.version() != expected.version() + 1) {
      return false;
    }
    IncidentState current = incident.get();
    return current.version() == expected.version() && incident.compareAndSet(current, updated);
  }

  @Override
  public ThrottleState throttle(String key) {
    ThrottleState t = throttles.get(key);
    return t != null ? t : ThrottleState.initial(key);
  }

  @Override
  public boolean replaceThrottle(ThrottleState expected, ThrottleState updated) {
    return expected.key().equals(updated.key())
        && compareAndSet(throttles, expected.key(), expected, updated, ThrottleState::version);
  }

  @Override
  public int purgeThrottles(Instant now) {
    int removed = 0;
    for (ThrottleState t : throttles.values()) {
      if (t.isExpired(now) && throttles.remove(t.key(), t)) {
        removed++;
      }
    }
    return removed;
  }

  @Override
  public EngineRecord engine(String nodeId) {
    EngineRecord e = engines.get(nodeId);
    return e != null ? e : EngineRecord.initial(nodeId);
  }

  @Override
  public boolean replaceEngine(EngineRecord expected, EngineRecord updated) {
    return expected.nodeId().equals(updated.nodeId())
        && compareAndSet(engines, expected.nodeId(), expected, updated, EngineRecord::version);
  }

  /** Compare-and-set by version on a map whose absent entries stand for version 0. */
  private static <T> boolean compareAndSet(ConcurrentMap<String, T> map, String key, T expected, T updated,
      Function<T, Long> version) {
    long v = version.apply(expected);
    if (version.apply(updated) != v + 1) {
      return false;
    }
    if (v == 0 && map.putIfAbsent(key, updated) == null) {
      return true;
    }
    T current = map.get(key);
    return current != null && version.apply(current) == v && map.replace(key, current, updated);
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

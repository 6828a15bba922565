package dev.breakglass.core.internal;

import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.EngineRecord;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.IncidentState;
import dev.breakglass.spi.ThrottleState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A grant store that passes every call to a real {@link InMemoryGrantStore}; a test overrides only
 * the call whose behaviour it specifies (a lost race, another node's write in between).
 */
abstract class ForwardingGrantStore implements GrantStore {
  final InMemoryGrantStore delegate = new InMemoryGrantStore();

  @Override
  public void insert(GrantRecord grant) {
    delegate.insert(grant);
  }

  @Override
  public Optional<GrantRecord> find(String grantId) {
    return delegate.find(grantId);
  }

  @Override
  public boolean replace(GrantRecord expected, GrantRecord updated) {
    return delegate.replace(expected, updated);
  }

  @Override
  public List<GrantRecord> findByStatus(Set<GrantStatus> statuses) {
    return delegate.findByStatus(statuses);
  }

  @Override
  public AccountState account(String account) {
    return delegate.account(account);
  }

  @Override
  public boolean replaceAccount(AccountState expected, AccountState updated) {
    return delegate.replaceAccount(expected, updated);
  }

  @Override
  public IncidentState incident() {
    return delegate.incident();
  }

  @Override
  public boolean replaceIncident(IncidentState expected, IncidentState updated) {
    return delegate.replaceIncident(expected, updated);
  }

  @Override
  public ThrottleState throttle(String key) {
    return delegate.throttle(key);
  }

  @Override
  public boolean replaceThrottle(ThrottleState expected, ThrottleState updated) {
    return delegate.replaceThrottle(expected, updated);
  }

  @Override
  public int purgeThrottles(Instant now) {
    return delegate.purgeThrottles(now);
  }

  @Override
  public EngineRecord engine(String nodeId) {
    return delegate.engine(nodeId);
  }

  @Override
  public boolean replaceEngine(EngineRecord expected, EngineRecord updated) {
    return delegate.replaceEngine(expected, updated);
  }
}

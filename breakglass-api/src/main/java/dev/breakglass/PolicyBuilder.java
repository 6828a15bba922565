package dev.breakglass;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

final class PolicyBuilder implements BreakGlassPolicy.Builder {
  private final Map<String, AccountPolicy> accounts = new LinkedHashMap<>();
  private final Set<String> declarers = new LinkedHashSet<>();
  private Duration approvalTimeout = Duration.ofMinutes(15);
  private BreakGlassPolicy.RateLimit rateLimit =
      new BreakGlassPolicy.RateLimit(5, Duration.ofMinutes(10), Duration.ofHours(1));
  private boolean endGrantsWhenEmergencyEnds = true;

  @Override
  public BreakGlassPolicy.Builder account(AccountPolicy account) {
    Objects.requireNonNull(account, "account");
    if (accounts.putIfAbsent(account.name(), account) != null) {
      throw new PolicyException(null, -1, "accounts." + account.name(), "is defined twice");
    }
    return this;
  }

  @Override
  public BreakGlassPolicy.Builder incidentDeclarers(String... names) {
    declarers.addAll(List.of(names));
    return this;
  }

  @Override
  public BreakGlassPolicy.Builder approvalTimeout(Duration timeout) {
    this.approvalTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  @Override
  public BreakGlassPolicy.Builder rateLimit(BreakGlassPolicy.RateLimit rateLimit) {
    this.rateLimit = Objects.requireNonNull(rateLimit, "rateLimit");
    return this;
  }

  @Override
  public BreakGlassPolicy.Builder endGrantsWhenEmergencyEnds(boolean end) {
    this.endGrantsWhenEmergencyEnds = end;
    return this;
  }

  @Override
  public BreakGlassPolicy build() {
    if (accounts.isEmpty()) {
      throw new PolicyException(null, -1, "accounts", "must define at least one break-glass account");
    }
    if (approvalTimeout.isZero() || approvalTimeout.isNegative()) {
      throw new PolicyException(null, -1, "approvalTimeout", "must be positive, was " + approvalTimeout);
    }
    for (AccountPolicy a : accounts.values()) {
      if (a.backupAccount() != null && !accounts.containsKey(a.backupAccount())) {
        throw new PolicyException(null, -1, "accounts." + a.name() + ".backupAccount",
            "names unknown account '" + a.backupAccount() + "'");
      }
    }
    for (String d : declarers) {
      if (d == null || d.isBlank()) {
        throw new PolicyException(null, -1, "incidentDeclarers", "must not contain blank names");
      }
    }
    return new Immutable(Collections.unmodifiableMap(new LinkedHashMap<>(accounts)),
        Collections.unmodifiableSet(new LinkedHashSet<>(declarers)), approvalTimeout, rateLimit,
        endGrantsWhenEmergencyEnds);
  }

  private record Immutable(
      Map<String, AccountPolicy> accounts,
      Set<String> incidentDeclarers,
      Duration approvalTimeout,
      BreakGlassPolicy.RateLimit rateLimit,
      boolean endGrantsWhenEmergencyEnds) implements BreakGlassPolicy {}
}

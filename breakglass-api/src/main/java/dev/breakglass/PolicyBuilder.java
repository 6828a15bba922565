package dev.breakglass;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
    String same = Identity.find(accounts.keySet(), account.name());
    if (same != null) {
      throw new PolicyException(null, -1, "accounts." + account.name(), same.equals(account.name()) ? "is defined twice"
          : "is the same account as '" + same + "' (names are compared case-insensitively after Unicode NFKC)");
    }
    accounts.put(account.name(), account);
    return this;
  }

  @Override
  public BreakGlassPolicy.Builder incidentDeclarers(String... names) {
    for (String n : names) {
      declarers.add(Objects.requireNonNull(n, "incident declarer"));
    }
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
    Set<String> seen = new LinkedHashSet<>();
    for (String d : declarers) {
      String problem = Identity.problem(d);
      if (problem != null) {
        throw new PolicyException(null, -1, "incidentDeclarers", problem);
      }
      String earlier = Identity.find(seen, d);
      if (earlier != null) {
        throw new PolicyException(null, -1, "incidentDeclarers", "'" + earlier + "' and '" + d
            + "' are the same identity; list it once");
      }
      seen.add(d);
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

package dev.breakglass.spring.boot;

import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEvent;
import dev.breakglass.BreakGlassPolicy;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The break-glass accounts whose credential has been used by a grant that ended and not yet rotated,
 * as seen in the audit records written since this application started (the engine keeps the
 * authoritative state; after a restart an account tainted before it shows here only once it is used
 * again). Feeds the actuator endpoint and the {@code breakglass.accounts.tainted} gauge. Thread-safe.
 */
public final class TaintedAccounts implements AuditObserver {
  private final Supplier<BreakGlassPolicy> policy;
  private final Set<String> issued = ConcurrentHashMap.newKeySet();
  private final Set<String> tainted = ConcurrentHashMap.newKeySet();

  public TaintedAccounts(Supplier<BreakGlassPolicy> policy) {
    this.policy = policy;
  }

  @Override
  public void appended(AuditEvent event, long nanos) {
    String grant = event.grantId();
    String account = event.account();
    switch (event.type()) {
      case GRANT_ISSUED -> {
        if (grant != null) {
          issued.add(grant);
        }
      }
      case GRANT_EXPIRED, GRANT_REVOKED, GRANT_CLOSED -> {
        if (grant != null && issued.remove(grant) && account != null && !ephemeral(account)) {
          tainted.add(account);
        }
      }
      case CREDENTIAL_ROTATED -> {
        if (account != null) {
          tainted.remove(account);
        }
      }
      default -> { }
    }
  }

  private boolean ephemeral(String account) {
    return policy.get().account(account).map(AccountPolicy::ephemeral).orElse(false);
  }

  /** The tainted accounts, sorted. */
  public SortedSet<String> accounts() {
    return new TreeSet<>(tainted);
  }

  /** How many accounts are tainted. */
  public int count() {
    return tainted.size();
  }
}

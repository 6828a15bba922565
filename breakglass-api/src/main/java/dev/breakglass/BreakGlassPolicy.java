package dev.breakglass;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may request emergency access to which break-glass account, under what circumstances, with
 * which identification, reason and approvals. Build one in code with {@link #builder()}, or load a
 * YAML or JSON file with the engine's builder ({@code BreakGlass.builder().policyFile(path)}).
 *
 * <pre>{@code
 * BreakGlassPolicy policy = BreakGlassPolicy.builder()
 *     .account(AccountPolicy.builder("prod-db-admin")
 *         .requesters("alice", "bob")
 *         .custodians("carol", "dave", "erin")
 *         .approvals(2)
 *         .maxDuration(Duration.ofMinutes(30))
 *         .ticketRequired(true)
 *         .build())
 *     .incidentDeclarers("sre-lead")
 *     .build();
 * }</pre>
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface BreakGlassPolicy {
  /** The break-glass accounts by name; unmodifiable. */
  Map<String, AccountPolicy> accounts();

  /** The rules for one account. */
  default Optional<AccountPolicy> account(String name) {
    return Optional.ofNullable(accounts().get(name));
  }

  /** Who may declare and close an incident (opening the emergency path by hand). */
  Set<String> incidentDeclarers();

  /** How long a request may wait for its approvals. */
  Duration approvalTimeout();

  /** How many requests one requester may make per window before backing off. */
  RateLimit rateLimit();

  /** Whether active grants are closed when the emergency ends. */
  boolean endGrantsWhenEmergencyEnds();

  /** A policy builder with safe defaults: 15-minute approval timeout, 5 requests per 10 minutes. */
  static Builder builder() {
    return new PolicyBuilder();
  }

  /**
   * Requests allowed per requester: {@code maxRequests} in {@code window}; after that each further
   * attempt doubles the wait, up to {@code maxBackoff}. Never a permanent lock-out.
   */
  record RateLimit(int maxRequests, Duration window, Duration maxBackoff) {
    public RateLimit {
      if (maxRequests < 1) {
        throw new PolicyException(null, -1, "rateLimit.maxRequests", "must be at least 1, was " + maxRequests);
      }
      if (window == null || window.isZero() || window.isNegative()) {
        throw new PolicyException(null, -1, "rateLimit.window", "must be positive, was " + window);
      }
      if (maxBackoff == null || maxBackoff.compareTo(window) < 0) {
        throw new PolicyException(null, -1, "rateLimit.maxBackoff", "must be at least the window, was " + maxBackoff);
      }
    }
  }

  /** Builds an immutable {@link BreakGlassPolicy}. */
  interface Builder {
    Builder account(AccountPolicy account);

    Builder incidentDeclarers(String... names);

    Builder approvalTimeout(Duration timeout);

    Builder rateLimit(RateLimit rateLimit);

    Builder endGrantsWhenEmergencyEnds(boolean end);

    /** @throws PolicyException naming the invalid field */
    BreakGlassPolicy build();
  }
}

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
  /**
   * The break-glass accounts by name.
   *
   * @return an unmodifiable map from account name to its rules
   */
  Map<String, AccountPolicy> accounts();

  /**
   * The rules for one account.
   *
   * @param name the account name
   * @return its rules, or empty if the policy has no such account
   */
  default Optional<AccountPolicy> account(String name) {
    return Optional.ofNullable(accounts().get(name));
  }

  /**
   * Who may declare and close an incident (opening the emergency path by hand).
   *
   * @return the declarers' names; unmodifiable, possibly empty
   */
  Set<String> incidentDeclarers();

  /**
   * How long a request may wait for its approvals before it expires.
   *
   * @return the approval timeout
   */
  Duration approvalTimeout();

  /**
   * How many requests one requester may make per window before backing off.
   *
   * @return the rate limit
   */
  RateLimit rateLimit();

  /**
   * Whether active grants are closed when the emergency ends.
   *
   * @return {@code true} if the end of the emergency also ends every active grant
   */
  boolean endGrantsWhenEmergencyEnds();

  /**
   * A policy builder with safe defaults: 15-minute approval timeout, 5 requests per 10 minutes.
   *
   * @return a new builder (see the class documentation for an example)
   */
  static Builder builder() {
    return new PolicyBuilder();
  }

  /**
   * Requests allowed per requester: {@code maxRequests} in {@code window}; after that each further
   * attempt doubles the wait, up to {@code maxBackoff}. Never a permanent lock-out.
   *
   * <pre>{@code
   * new BreakGlassPolicy.RateLimit(5, Duration.ofMinutes(10), Duration.ofHours(1))
   * }</pre>
   *
   * @param maxRequests requests allowed in one window; at least 1
   * @param window the window the requests are counted in; positive
   * @param maxBackoff the longest wait imposed after the limit is reached; at least {@code window}
   */
  record RateLimit(int maxRequests, Duration window, Duration maxBackoff) {
    /**
     * Validates the limit.
     *
     * @param maxRequests requests allowed in one window
     * @param window the counting window
     * @param maxBackoff the longest wait
     * @throws PolicyException naming {@code rateLimit.maxRequests}, {@code rateLimit.window} or
     *     {@code rateLimit.maxBackoff} when it is out of range
     */
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
    /**
     * Adds the rules for one break-glass account.
     *
     * @param account the account's rules, usually from {@link AccountPolicy#builder(String)}
     * @return this builder
     */
    Builder account(AccountPolicy account);

    /**
     * Adds people who may declare and close an incident.
     *
     * @param names the declarers' names
     * @return this builder
     */
    Builder incidentDeclarers(String... names);

    /**
     * How long a request may wait for its approvals (default 15 minutes).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    Builder approvalTimeout(Duration timeout);

    /**
     * Replaces the default rate limit (5 requests per 10 minutes).
     *
     * @param rateLimit the limit per requester
     * @return this builder
     */
    Builder rateLimit(RateLimit rateLimit);

    /**
     * Whether active grants are closed when the emergency ends.
     *
     * @param end {@code true} (the default) to end every active grant with the emergency
     * @return this builder
     */
    Builder endGrantsWhenEmergencyEnds(boolean end);

    /**
     * Validates the settings and builds the immutable policy.
     *
     * @return the policy
     * @throws PolicyException naming the invalid field
     */
    BreakGlassPolicy build();
  }
}

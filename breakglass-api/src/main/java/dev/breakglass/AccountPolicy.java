package dev.breakglass;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The rules for one break-glass account: who may request it, what a request must carry, how many
 * custodians must approve, and for how long it may be granted. Immutable; built and validated by
 * {@link #builder(String)}.
 *
 * <p>Every name (the account's, its requesters', custodians', identification kinds', the backup
 * account's) must be valid by the {@link Identity} rule, and no list may hold two spellings of one
 * identity ({@code [Carol, carol]}); both are {@link PolicyException}s naming the field.
 *
 * @param name the account name (as the vault and the guard know it)
 * @param requesters who may request it
 * @param custodians who may approve requests for it
 * @param approvalsRequired how many distinct custodians must approve (0: none); never the requester
 * @param maxDuration the longest grant allowed
 * @param reasonRequired whether a request must give a reason
 * @param ticketRequired whether a request must reference a ticket
 * @param identificationRequired kinds of identification evidence a request must carry
 * @param emergencyRequired whether requests and use need an open emergency (the safe default: true)
 * @param backupAccount an account to request instead while this one is tainted, if any
 * @param ephemeral the account is local to the host application: each grant mints a fresh
 *     credential, kept only as an Argon2id verifier for the grant's lifetime, so no long-lived
 *     secret exists for it (the vault is not used)
 * @param confirmedAlertBeforeRelease the credential is released only after at least one alert
 *     channel has confirmed delivery of the grant's alert, so every use is seen
 * @param fingerprintTicket the audit trail records a request's ticket as a keyed fingerprint
 *     instead of its text (for ticket references that are themselves sensitive); a reviewer matches
 *     a known ticket with the fingerprinting API
 * @param drillEvery how often the account must be drilled ({@link BreakGlass#drill}); when its
 *     last successful drill is older, a HIGH stale-drill alert is raised. {@code null}: no drill
 *     interval (no stale-drill alert). At least one day, at most 400 days.
 * @param approvalSignature whether approvals and denials must be signed by the custodian's
 *     registered key (policy files: {@code approvalSignature: required | optional}); default
 *     {@link SignatureRequirement#WHEN_REGISTERED}
 */
public record AccountPolicy(
    String name,
    Set<String> requesters,
    Set<String> custodians,
    int approvalsRequired,
    Duration maxDuration,
    boolean reasonRequired,
    boolean ticketRequired,
    Set<String> identificationRequired,
    boolean emergencyRequired,
    @Nullable String backupAccount,
    boolean ephemeral,
    boolean confirmedAlertBeforeRelease,
    boolean fingerprintTicket,
    @Nullable Duration drillEvery,
    SignatureRequirement approvalSignature) {

  /**
   * The constructor without a drill interval ({@code drillEvery} is {@code null}); prefer
   * {@link #builder(String)}.
   *
   * @param name the account name
   * @param requesters who may request it
   * @param custodians who may approve requests for it
   * @param approvalsRequired how many distinct custodians must approve
   * @param maxDuration the longest grant allowed
   * @param reasonRequired whether a request must give a reason
   * @param ticketRequired whether a request must reference a ticket
   * @param identificationRequired kinds of identification evidence a request must carry
   * @param emergencyRequired whether requests and use need an open emergency
   * @param backupAccount an account to request instead while this one is tainted, or {@code null}
   * @param ephemeral whether each grant mints a fresh credential instead of using the vault
   * @param confirmedAlertBeforeRelease whether release waits for a confirmed alert
   * @param fingerprintTicket whether the audit trail records the ticket as a keyed fingerprint
   * @throws PolicyException naming the invalid field
   */
  public AccountPolicy(String name, Set<String> requesters, Set<String> custodians, int approvalsRequired,
      Duration maxDuration, boolean reasonRequired, boolean ticketRequired, Set<String> identificationRequired,
      boolean emergencyRequired, @Nullable String backupAccount, boolean ephemeral,
      boolean confirmedAlertBeforeRelease, boolean fingerprintTicket) {
    this(name, requesters, custodians, approvalsRequired, maxDuration, reasonRequired, ticketRequired,
        identificationRequired, emergencyRequired, backupAccount, ephemeral, confirmedAlertBeforeRelease,
        fingerprintTicket, null, SignatureRequirement.WHEN_REGISTERED);
  }

  /**
   * The constructor without a signature requirement, kept for code written before signed approvals:
   * {@code approvalSignature} is {@link SignatureRequirement#WHEN_REGISTERED}. Prefer
   * {@link #builder(String)}.
   *
   * @param name the account name
   * @param requesters who may request it
   * @param custodians who may approve requests for it
   * @param approvalsRequired how many distinct custodians must approve
   * @param maxDuration the longest grant allowed
   * @param reasonRequired whether a request must give a reason
   * @param ticketRequired whether a request must reference a ticket
   * @param identificationRequired kinds of identification evidence a request must carry
   * @param emergencyRequired whether requests and use need an open emergency
   * @param backupAccount an account to request instead while this one is tainted, or {@code null}
   * @param ephemeral whether each grant mints a fresh credential instead of using the vault
   * @param confirmedAlertBeforeRelease whether release waits for a confirmed alert
   * @param fingerprintTicket whether the audit trail records the ticket as a keyed fingerprint
   * @param drillEvery the drill interval, or {@code null}
   * @throws PolicyException naming the invalid field
   */
  public AccountPolicy(String name, Set<String> requesters, Set<String> custodians, int approvalsRequired,
      Duration maxDuration, boolean reasonRequired, boolean ticketRequired, Set<String> identificationRequired,
      boolean emergencyRequired, @Nullable String backupAccount, boolean ephemeral,
      boolean confirmedAlertBeforeRelease, boolean fingerprintTicket, @Nullable Duration drillEvery) {
    this(name, requesters, custodians, approvalsRequired, maxDuration, reasonRequired, ticketRequired,
        identificationRequired, emergencyRequired, backupAccount, ephemeral, confirmedAlertBeforeRelease,
        fingerprintTicket, drillEvery, SignatureRequirement.WHEN_REGISTERED);
  }

  /**
   * Validates and copies the rules; the sets are stored as unmodifiable copies.
   *
   * @param name the account name
   * @param requesters who may request it
   * @param custodians who may approve requests for it
   * @param approvalsRequired how many distinct custodians must approve
   * @param maxDuration the longest grant allowed
   * @param reasonRequired whether a request must give a reason
   * @param ticketRequired whether a request must reference a ticket
   * @param identificationRequired kinds of identification evidence a request must carry
   * @param emergencyRequired whether requests and use need an open emergency
   * @param backupAccount an account to request instead while this one is tainted, or {@code null}
   * @param ephemeral whether each grant mints a fresh credential instead of using the vault
   * @param confirmedAlertBeforeRelease whether release waits for a confirmed alert
   * @param fingerprintTicket whether the audit trail records the ticket as a keyed fingerprint
   * @param drillEvery the drill interval, or {@code null}
   * @param approvalSignature whether approvals and denials must be signed by a registered custodian
   *     key; {@link SignatureRequirement#WHEN_REGISTERED} unless the policy says otherwise
   * @throws NullPointerException if {@code maxDuration} or {@code approvalSignature} is {@code null}
   * @throws PolicyException naming the invalid field ({@code accounts.<name>.<field>}) and what is
   *     wrong with it: a blank name, no requesters, more approvals than custodians, a maximum duration
   *     that is not positive or over 7 days, a drill interval outside 1 to 400 days, or a backup account
   *     that names this account
   */
  public AccountPolicy {
    // A hostile name must not reach the message as it is: it is shown with its controls escaped.
    String prefix = "accounts." + (name == null ? "null" : FreeText.inert(name, Identity.MAX_LENGTH)) + ".";
    requireName(prefix + "name", name);
    requesters = copy(prefix + "requesters", requesters);
    custodians = copy(prefix + "custodians", custodians);
    identificationRequired = copy(prefix + "identification", identificationRequired);
    Objects.requireNonNull(maxDuration, "maxDuration");
    Objects.requireNonNull(approvalSignature, prefix + "approvalSignature");
    if (requesters.isEmpty()) {
      throw new PolicyException(null, -1, prefix + "requesters", "must name at least one requester");
    }
    if (approvalsRequired < 0) {
      throw new PolicyException(null, -1, prefix + "approvals", "must be 0 or more, was " + approvalsRequired);
    }
    if (approvalsRequired > 0 && custodians.isEmpty()) {
      throw new PolicyException(null, -1, prefix + "custodians",
          "must name custodians because approvals is " + approvalsRequired);
    }
    if (approvalsRequired > custodians.size()) {
      throw new PolicyException(null, -1, prefix + "approvals",
          "requires " + approvalsRequired + " approvals but only " + custodians.size() + " custodians are named");
    }
    if (maxDuration.isZero() || maxDuration.isNegative()) {
      throw new PolicyException(null, -1, prefix + "maxDuration", "must be positive, was " + maxDuration);
    }
    if (maxDuration.compareTo(Duration.ofDays(7)) > 0) {
      throw new PolicyException(null, -1, prefix + "maxDuration", "must be at most 7 days, was " + maxDuration);
    }
    if (drillEvery != null && drillEvery.compareTo(Duration.ofDays(1)) < 0) {
      throw new PolicyException(null, -1, prefix + "drillEvery", "must be at least 1 day, was " + drillEvery);
    }
    if (drillEvery != null && drillEvery.compareTo(Duration.ofDays(400)) > 0) {
      throw new PolicyException(null, -1, prefix + "drillEvery", "must be at most 400 days, was " + drillEvery);
    }
    if (backupAccount != null) {
      requireName(prefix + "backupAccount", backupAccount);
    }
    if (backupAccount != null && Identity.same(backupAccount, name)) {
      throw new PolicyException(null, -1, prefix + "backupAccount", "must name another account");
    }
  }

  private static void requireName(String field, @Nullable String value) {
    String problem = Identity.problem(value);
    if (problem != null) {
      throw new PolicyException(null, -1, field, problem);
    }
  }

  /** Checks each name by the {@link Identity} rule; two spellings of one identity are an error. */
  private static Set<String> copy(String field, @Nullable Set<String> values) {
    Objects.requireNonNull(values, field);
    Map<String, String> byKey = new HashMap<>();
    for (String v : values) {
      requireName(field, v);
      String earlier = byKey.putIfAbsent(Identity.key(v), v);
      if (earlier != null) {
        throw new PolicyException(null, -1, field, "'" + earlier + "' and '" + v
            + "' are the same identity (names are compared case-insensitively after Unicode NFKC); list it once");
      }
    }
    return Collections.unmodifiableSet(new LinkedHashSet<>(values));
  }

  /**
   * Whether {@code person} is a requester of this account, compared by the {@link Identity} rule.
   *
   * @param person who wants to request the account
   * @return {@code true} if {@code person} is one of {@link #requesters()} under any spelling the
   *     identity rule treats as the same
   */
  public boolean isRequester(String person) {
    return Identity.contains(requesters, person);
  }

  /**
   * Whether {@code person} is a custodian of this account, compared by the {@link Identity} rule.
   *
   * @param person who wants to approve
   * @return {@code true} if {@code person} is one of {@link #custodians()} under any spelling the
   *     identity rule treats as the same
   */
  public boolean isCustodian(String person) {
    return Identity.contains(custodians, person);
  }

  /**
   * Whether a person may approve a request: a custodian who is not the requester under any spelling
   * (the {@link Identity} rule: {@code Alice} cannot approve {@code alice}'s request).
   *
   * @param custodian who wants to approve
   * @param requester who made the request
   * @return {@code true} if {@code custodian} is one of {@link #custodians()} and not the requester
   */
  public boolean mayApprove(String custodian, String requester) {
    return isCustodian(custodian) && !Identity.same(custodian, requester);
  }

  /**
   * Starts building the rules for one account.
   *
   * <pre>{@code
   * AccountPolicy dbAdmin = AccountPolicy.builder("prod-db-admin")
   *     .requesters("alice", "bob")
   *     .custodians("carol", "dave")
   *     .approvals(1)
   *     .maxDuration(Duration.ofMinutes(30))
   *     .build();
   * }</pre>
   *
   * @param name the account name, as the vault and the guard know it
   * @return a builder with the defaults described on {@link Builder}
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds an {@link AccountPolicy}. Defaults: one hour maximum, reason required, emergency required. */
  public static final class Builder {
    private final String name;
    private final Set<String> requesters = new LinkedHashSet<>();
    private final Set<String> custodians = new LinkedHashSet<>();
    private int approvalsRequired;
    private Duration maxDuration = Duration.ofHours(1);
    private boolean reasonRequired = true;
    private boolean ticketRequired;
    private final Set<String> identificationRequired = new LinkedHashSet<>();
    private boolean emergencyRequired = true;
    private @Nullable String backupAccount;
    private boolean ephemeral;
    private boolean confirmedAlertBeforeRelease;
    private boolean fingerprintTicket;
    private @Nullable Duration drillEvery;
    private SignatureRequirement approvalSignature = SignatureRequirement.WHEN_REGISTERED;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Adds people who may request this account; at least one is required.
     *
     * @param names requester names (not blank)
     * @return this builder
     */
    public Builder requesters(String... names) {
      requesters.addAll(List.of(names));
      return this;
    }

    /**
     * Adds custodians who may approve requests for this account.
     *
     * @param names custodian names (not blank)
     * @return this builder
     */
    public Builder custodians(String... names) {
      custodians.addAll(List.of(names));
      return this;
    }

    /**
     * Requires {@code m} approvals from the named custodians (default 0: no approval needed).
     *
     * @param m how many distinct custodians must approve; at most the number of custodians
     * @return this builder
     */
    public Builder approvals(int m) {
      this.approvalsRequired = m;
      return this;
    }

    /**
     * The longest grant allowed (default one hour).
     *
     * @param maxDuration positive, at most 7 days
     * @return this builder
     */
    public Builder maxDuration(Duration maxDuration) {
      this.maxDuration = maxDuration;
      return this;
    }

    /**
     * Whether a request must give a reason (default true).
     *
     * @param required {@code true} to require a reason
     * @return this builder
     */
    public Builder reasonRequired(boolean required) {
      this.reasonRequired = required;
      return this;
    }

    /**
     * Whether a request must reference a ticket (default false).
     *
     * @param required {@code true} to require a ticket
     * @return this builder
     */
    public Builder ticketRequired(boolean required) {
      this.ticketRequired = required;
      return this;
    }

    /**
     * Adds kinds of identification evidence every request must carry (for example {@code "badge"}),
     * matched against the kinds in {@link AccessRequest#identification()}.
     *
     * @param kinds evidence kinds (not blank)
     * @return this builder
     */
    public Builder identificationRequired(String... kinds) {
      identificationRequired.addAll(List.of(kinds));
      return this;
    }

    /**
     * Whether requests and use need an open emergency (default true, the safe choice). Set it to
     * {@code false} only for accounts that may be used while the primary is healthy.
     *
     * @param required {@code false} to allow the account outside an emergency
     * @return this builder
     */
    public Builder emergencyRequired(boolean required) {
      this.emergencyRequired = required;
      return this;
    }

    /**
     * An account to request instead while this one is tainted (default none).
     *
     * @param account another account of the policy, or {@code null} for none
     * @return this builder
     */
    public Builder backupAccount(@Nullable String account) {
      this.backupAccount = account;
      return this;
    }

    /**
     * Each grant mints a fresh credential kept only as a verifier (default false: the vault holds it).
     *
     * @param ephemeral {@code true} for an account local to the host application
     * @return this builder
     */
    public Builder ephemeral(boolean ephemeral) {
      this.ephemeral = ephemeral;
      return this;
    }

    /**
     * Release the credential only after an alert channel confirmed the grant's alert (default false).
     *
     * @param confirmed {@code true} to wait for a confirmed alert before release
     * @return this builder
     */
    public Builder confirmedAlertBeforeRelease(boolean confirmed) {
      this.confirmedAlertBeforeRelease = confirmed;
      return this;
    }

    /**
     * Audit the ticket as a keyed fingerprint rather than its text (default false).
     *
     * @param fingerprint {@code true} to record only a fingerprint of the ticket
     * @return this builder
     */
    public Builder fingerprintTicket(boolean fingerprint) {
      this.fingerprintTicket = fingerprint;
      return this;
    }

    /**
     * How often the account must be drilled, for example {@code Duration.ofDays(90)}; {@code null}
     * (the default) sets no interval.
     *
     * @param interval at least 1 day, at most 400 days, or {@code null}
     * @return this builder
     */
    public Builder drillEvery(@Nullable Duration interval) {
      this.drillEvery = interval;
      return this;
    }

    /**
     * Whether custodians must sign approvals and denials with a registered key (default {@link
     * SignatureRequirement#WHEN_REGISTERED}: as soon as any custodian of the account has one). Set
     * {@link SignatureRequirement#REQUIRED} only after every custodian has registered a key, or they
     * cannot approve at all.
     *
     * @param requirement when signatures are required
     * @return this builder
     * @throws NullPointerException if {@code requirement} is {@code null}
     */
    public Builder approvalSignature(SignatureRequirement requirement) {
      this.approvalSignature = Objects.requireNonNull(requirement, "requirement");
      return this;
    }

    /**
     * Validates the settings and builds the immutable rules.
     *
     * @return the account policy
     * @throws PolicyException naming the invalid field
     */
    public AccountPolicy build() {
      return new AccountPolicy(name, requesters, custodians, approvalsRequired, maxDuration, reasonRequired,
          ticketRequired, identificationRequired, emergencyRequired, backupAccount, ephemeral,
          confirmedAlertBeforeRelease, fingerprintTicket, drillEvery, approvalSignature);
    }
  }
}

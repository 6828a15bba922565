package dev.breakglass;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request for emergency access to one break-glass account. Immutable and validated when built:
 * a malformed request never reaches the engine.
 *
 * <pre>{@code
 * AccessRequest request = AccessRequest.builder()
 *     .requester("alice")
 *     .account("prod-db-admin")
 *     .reason("IdP outage, database failover stuck")
 *     .ticket("INC-4711")
 *     .duration(Duration.ofMinutes(30))
 *     .identification("badge", "E-10442")
 *     .build();
 * }</pre>
 *
 * <p>Identification evidence values are sensitive: they are stored in the audit log only as keyed
 * fingerprints and never appear in {@link #toString()}.
 *
 * <p>{@link Builder#build()} checks every field: the requester and account by the {@link Identity}
 * rule, the text fields by the {@link FreeText} rule (no control, bidi or invisible characters) and
 * their limits: reason {@value FreeText#MAX_REASON} characters, ticket {@value FreeText#MAX_TICKET},
 * each piece of identification evidence {@value FreeText#MAX_EVIDENCE}, client address
 * {@value FreeText#MAX_CLIENT_ADDRESS}. A violation is an {@link InvalidRequestException} naming
 * the field.
 */
public final class AccessRequest {
  private final String requester;
  private final String account;
  private final String reason;
  private final @Nullable String ticket;
  private final Duration duration;
  private final Map<String, String> identification;
  private final @Nullable String clientAddress;

  private AccessRequest(Builder b) {
    this.requester = Identity.require("requester", b.requester);
    this.account = Identity.require("account", b.account);
    String r = FreeText.check("reason", b.reason, FreeText.MAX_REASON);
    this.reason = r == null ? "" : r;
    String t = FreeText.check("ticket", b.ticket, FreeText.MAX_TICKET);
    this.ticket = t == null || t.isEmpty() ? null : t;
    if (b.duration == null || b.duration.isZero() || b.duration.isNegative()) {
      throw new InvalidRequestException("duration", "must be positive, was " + b.duration);
    }
    this.duration = b.duration;
    for (Map.Entry<String, String> e : b.identification.entrySet()) {
      Identity.require("identification kind", e.getKey());
      FreeText.require("identification." + e.getKey(), e.getValue(), FreeText.MAX_EVIDENCE);
    }
    this.identification = Collections.unmodifiableMap(new LinkedHashMap<>(b.identification));
    this.clientAddress = FreeText.check("clientAddress", b.clientAddress, FreeText.MAX_CLIENT_ADDRESS);
  }

  /**
   * Starts a request (see the class documentation for an example).
   *
   * @return a new builder; {@link Builder#build()} validates every field
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Who asks: the identifier the host authenticated (or will identify) them by.
   *
   * @return the requester, stripped and not blank
   */
  public String requester() {
    return requester;
  }

  /**
   * The break-glass account requested.
   *
   * @return an account name of the policy
   */
  public String account() {
    return account;
  }

  /**
   * Why access is needed.
   *
   * @return the stripped reason; empty if none was given
   */
  public String reason() {
    return reason;
  }

  /**
   * The incident or change ticket, if any.
   *
   * @return the stripped ticket reference, or {@code null} if none (or only blanks) was given
   */
  public @Nullable String ticket() {
    return ticket;
  }

  /**
   * How long the grant should last once issued.
   *
   * @return a positive duration
   */
  public Duration duration() {
    return duration;
  }

  /**
   * Identification evidence by kind (for example {@code badge}, {@code callback}). The values are
   * sensitive: do not log them.
   *
   * @return an unmodifiable map from kind to evidence, in insertion order
   */
  public Map<String, String> identification() {
    return identification;
  }

  /**
   * The network address the request came from, if known.
   *
   * @return the address as the host gave it, or {@code null}
   */
  public @Nullable String clientAddress() {
    return clientAddress;
  }

  @Override
  public String toString() {
    return "AccessRequest[requester=" + requester + ", account=" + account + ", ticket=" + ticket
        + ", duration=" + duration + ", identification=" + identification.keySet() + "]";
  }

  /** Builds an {@link AccessRequest}; {@link #build()} validates every field. */
  public static final class Builder {
    private @Nullable String requester;
    private @Nullable String account;
    private @Nullable String reason;
    private @Nullable String ticket;
    private @Nullable Duration duration = Duration.ofHours(1);
    private final Map<String, String> identification = new LinkedHashMap<>();
    private @Nullable String clientAddress;

    private Builder() {}

    /**
     * Who asks (required).
     *
     * @param requester one of the account's requesters; not blank, at most 512 characters, no control
     *     characters
     * @return this builder
     */
    public Builder requester(String requester) {
      this.requester = requester;
      return this;
    }

    /**
     * The break-glass account wanted (required).
     *
     * @param account an account name of the policy; not blank, at most 512 characters
     * @return this builder
     */
    public Builder account(String account) {
      this.account = account;
      return this;
    }

    /**
     * Why access is needed; required when the account's policy says {@code reasonRequired}.
     *
     * @param reason a short human explanation
     * @return this builder
     */
    public Builder reason(String reason) {
      this.reason = reason;
      return this;
    }

    /**
     * The incident or change ticket; required when the account's policy says {@code ticketRequired}.
     *
     * @param ticket the ticket reference, or {@code null} for none
     * @return this builder
     */
    public Builder ticket(@Nullable String ticket) {
      this.ticket = ticket;
      return this;
    }

    /**
     * The grant's lifetime once issued; default one hour, capped by the account's policy.
     *
     * @param duration a positive duration
     * @return this builder
     */
    public Builder duration(Duration duration) {
      this.duration = duration;
      return this;
    }

    /**
     * Adds identification evidence of the given kind; a later call with the same kind replaces it.
     * The account's policy names the kinds it requires.
     *
     * @param kind the kind of evidence, for example {@code "badge"}
     * @param evidence the evidence itself; audited only as a keyed fingerprint
     * @return this builder
     * @throws NullPointerException if {@code kind} or {@code evidence} is null
     */
    public Builder identification(String kind, String evidence) {
      this.identification.put(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(evidence, "evidence"));
      return this;
    }

    /**
     * The network address the request came from, recorded in the audit trail as a keyed fingerprint.
     *
     * @param clientAddress the address, or {@code null} if unknown
     * @return this builder
     */
    public Builder clientAddress(@Nullable String clientAddress) {
      this.clientAddress = clientAddress;
      return this;
    }

    /**
     * Validates every field and builds the immutable request.
     *
     * @return the request
     * @throws InvalidRequestException naming the first invalid field
     */
    public AccessRequest build() {
      return new AccessRequest(this);
    }
  }
}

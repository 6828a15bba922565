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

  public static Builder builder() {
    return new Builder();
  }

  /** Who asks: the identifier the host authenticated (or will identify) them by. */
  public String requester() {
    return requester;
  }

  /** The break-glass account requested. */
  public String account() {
    return account;
  }

  /** Why access is needed; empty if none was given. */
  public String reason() {
    return reason;
  }

  /** The incident or change ticket, if any. */
  public @Nullable String ticket() {
    return ticket;
  }

  /** How long the grant should last once issued. */
  public Duration duration() {
    return duration;
  }

  /** Identification evidence by kind (for example {@code badge}, {@code callback}); unmodifiable. */
  public Map<String, String> identification() {
    return identification;
  }

  /** The network address the request came from, if known. */
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

    public Builder requester(String requester) {
      this.requester = requester;
      return this;
    }

    public Builder account(String account) {
      this.account = account;
      return this;
    }

    public Builder reason(String reason) {
      this.reason = reason;
      return this;
    }

    public Builder ticket(@Nullable String ticket) {
      this.ticket = ticket;
      return this;
    }

    /** The grant's lifetime once issued; default one hour, capped by the account's policy. */
    public Builder duration(Duration duration) {
      this.duration = duration;
      return this;
    }

    /** Adds identification evidence of the given kind. */
    public Builder identification(String kind, String evidence) {
      this.identification.put(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(evidence, "evidence"));
      return this;
    }

    public Builder clientAddress(@Nullable String clientAddress) {
      this.clientAddress = clientAddress;
      return this;
    }

    /** @throws InvalidRequestException naming the first invalid field */
    public AccessRequest build() {
      return new AccessRequest(this);
    }
  }
}

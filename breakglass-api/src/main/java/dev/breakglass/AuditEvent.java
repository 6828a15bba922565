package dev.breakglass;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One step of the break-glass procedure, as written to the {@link AuditSink}.
 *
 * <p>Events never contain secret material. Sensitive values that are not secrets (identification
 * evidence, client addresses) appear only as keyed fingerprints ({@code hmac-sha256:...}).
 *
 * @param time when it happened, from the engine's clock
 * @param type what happened
 * @param actor who did it ({@code system} for the engine itself)
 * @param grantId the grant concerned, if any
 * @param account the break-glass account concerned, if any
 * @param details further facts, sorted by key; unmodifiable
 */
public record AuditEvent(
    Instant time,
    AuditEventType type,
    String actor,
    @Nullable String grantId,
    @Nullable String account,
    Map<String, String> details) {

  /** The actor name for actions the engine takes on its own. */
  public static final String SYSTEM = "system";

  /**
   * Checks the required components and copies {@code details} into an unmodifiable map sorted by key.
   *
   * @param time when it happened
   * @param type what happened
   * @param actor who did it
   * @param grantId the grant concerned, or {@code null}
   * @param account the account concerned, or {@code null}
   * @param details further facts (no secrets)
   * @throws NullPointerException if {@code time}, {@code type}, {@code actor} or {@code details} is null
   */
  public AuditEvent {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(actor, "actor");
    details = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(details, "details")));
  }

  /**
   * An event with no grant, account or details.
   *
   * @param time when it happened
   * @param type what happened
   * @param actor who did it ({@link #SYSTEM} for the engine)
   * @return the event
   */
  public static AuditEvent of(Instant time, AuditEventType type, String actor) {
    return new AuditEvent(time, type, actor, null, null, Map.of());
  }
}

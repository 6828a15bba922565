package dev.breakglass.spi;

import dev.breakglass.AuditEventType;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A notification to custodians and security about one step of the procedure. Never contains
 * secret material.
 *
 * @param id unique per alert; receivers use it as an idempotency key to de-duplicate retries
 * @param time when the step happened
 * @param severity how urgent
 * @param type the audited step this alert reports
 * @param summary one human-readable line
 * @param grantId the grant concerned, if any
 * @param account the account concerned, if any
 * @param details further facts, sorted; unmodifiable
 */
public record Alert(
    String id,
    Instant time,
    Severity severity,
    AuditEventType type,
    String summary,
    @Nullable String grantId,
    @Nullable String account,
    Map<String, String> details) {

  /**
   * Checks the required components and copies {@code details} into an unmodifiable map sorted by key.
   *
   * @param id unique per alert
   * @param time when the step happened
   * @param severity how urgent
   * @param type the audited step
   * @param summary one human-readable line
   * @param grantId the grant concerned, or {@code null}
   * @param account the account concerned, or {@code null}
   * @param details further facts (no secrets)
   * @throws NullPointerException if a required component is null
   */
  public Alert {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(summary, "summary");
    details = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(details, "details")));
  }
}

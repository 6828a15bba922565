package dev.breakglass.spi;

import dev.breakglass.AuditEventType;
import dev.breakglass.FreeText;
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

  /**
   * This alert with every text component (id, summary, grant, account, detail keys and values)
   * passed through {@link FreeText#inert(String)}: control, line-separator, bidi and invisible
   * characters become visible {@code \\uXXXX} escapes. A channel calls it before it writes an alert
   * anywhere a person or a parser reads it (a log line, a message, a header), so that text from
   * outside (a server's error message, a plugin's alert, an old record) can neither forge a line nor
   * hide or reorder what the reader sees.
   *
   * <pre>{@code
   * public void deliver(Alert alert) {
   *   Alert a = alert.inert();
   *   send(a.summary(), a.details());
   * }
   * }</pre>
   *
   * @return this alert if nothing needed escaping, otherwise an escaped copy
   */
  public Alert inert() {
    String i = FreeText.inert(id);
    String s = FreeText.inert(summary);
    String g = grantId == null ? null : FreeText.inert(grantId);
    String a = account == null ? null : FreeText.inert(account);
    Map<String, String> d = new TreeMap<>();
    boolean changed = !i.equals(id) || !s.equals(summary) || !Objects.equals(g, grantId) || !Objects.equals(a, account);
    for (Map.Entry<String, String> e : details.entrySet()) {
      String k = FreeText.inert(e.getKey());
      String v = e.getValue() == null ? null : FreeText.inert(e.getValue());
      changed |= !k.equals(e.getKey()) || !Objects.equals(v, e.getValue());
      d.put(k, v);
    }
    return changed ? new Alert(i, time, severity, type, s, g, a, d) : this;
  }
}

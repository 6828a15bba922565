package dev.breakglass.core.audit;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import java.time.Instant;
import java.util.Map;

/** Small realistic events for the audit log tests. */
final class TestEvents {
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  private TestEvents() {}

  static AuditEvent event(int n) {
    return event(n, T0.plusMillis(n));
  }

  static AuditEvent event(int n, Instant time) {
    return new AuditEvent(time, AuditEventType.values()[n % 12], "user" + (n % 7) + "@example.com",
        "grant-" + n, "db-root", Map.of("n", Integer.toString(n), "ticket", "INC-" + (1000 + n)));
  }
}

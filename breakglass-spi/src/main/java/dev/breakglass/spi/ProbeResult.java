package dev.breakglass.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one {@link HealthProbe#check()}.
 *
 * @param healthy whether the primary answered correctly
 * @param detail what was seen, for the audit trail and operators (no secrets)
 * @param latency how long the check took
 */
public record ProbeResult(boolean healthy, String detail, Duration latency) {
  public ProbeResult {
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(latency, "latency");
  }

  public static ProbeResult healthy(String detail, Duration latency) {
    return new ProbeResult(true, detail, latency);
  }

  public static ProbeResult unhealthy(String detail, Duration latency) {
    return new ProbeResult(false, detail, latency);
  }
}

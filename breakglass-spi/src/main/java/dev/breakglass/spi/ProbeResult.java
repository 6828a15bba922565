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
  /**
   * Checks the required components.
   *
   * @param healthy whether the primary answered correctly
   * @param detail what was seen
   * @param latency how long the check took
   * @throws NullPointerException if {@code detail} or {@code latency} is null
   */
  public ProbeResult {
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(latency, "latency");
  }

  /**
   * A successful check.
   *
   * @param detail what was seen, for example {@code "200 in discovery document"}
   * @param latency how long the check took
   * @return a healthy result
   */
  public static ProbeResult healthy(String detail, Duration latency) {
    return new ProbeResult(true, detail, latency);
  }

  /**
   * A failed check; say what failed so an operator can act on it.
   *
   * @param detail what was seen, for example {@code "connect timed out after 5s"} (no secrets)
   * @param latency how long the check took
   * @return an unhealthy result
   */
  public static ProbeResult unhealthy(String detail, Duration latency) {
    return new ProbeResult(false, detail, latency);
  }
}

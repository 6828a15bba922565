package dev.breakglass.core.internal;

import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.ProbeResult;
import java.time.Duration;

/** A probe whose answer the test sets. */
final class ScriptedProbe implements HealthProbe {
  private volatile boolean healthy = true;

  void healthy(boolean healthy) {
    this.healthy = healthy;
  }

  @Override
  public String name() {
    return "scripted-idp";
  }

  @Override
  public ProbeResult check() {
    return healthy ? ProbeResult.healthy("200 OK", Duration.ofMillis(3))
        : ProbeResult.unhealthy("connection refused", Duration.ofMillis(3));
  }
}

package dev.breakglass.spring.boot.actuate;

import dev.breakglass.BreakGlass;
import dev.breakglass.EmergencyState;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Shows the emergency state under {@code /actuator/health} as {@code breakglass}. It always reports
 * {@code UP}: an open emergency is exactly when the application must stay in service (a load balancer
 * or orchestrator that sees DOWN would take away the way in). The details say whether the emergency
 * path is open, why, and since when.
 */
public final class BreakGlassHealthIndicator implements HealthIndicator {
  private final BreakGlass breakGlass;

  public BreakGlassHealthIndicator(BreakGlass breakGlass) {
    this.breakGlass = Objects.requireNonNull(breakGlass, "breakGlass");
  }

  @Override
  public Health health() {
    EmergencyState state = breakGlass.emergencyState();
    Health.Builder health = Health.up()
        .withDetail("emergency", state.isEmergency())
        .withDetail("primaryHealthy", state.primaryHealthy())
        .withDetail("since", state.since().toString());
    EmergencyState.Incident incident = state.incident();
    if (incident != null) {
      health.withDetail("incident", incident.id()).withDetail("incidentDeclaredBy", incident.declaredBy());
    }
    return health.build();
  }
}

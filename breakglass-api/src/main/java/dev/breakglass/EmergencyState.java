package dev.breakglass;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Whether the emergency path is open, and why.
 *
 * @param primaryHealthy whether the health probes currently consider the primary identity provider healthy
 * @param incident the declared incident, if one is open
 * @param since when this state began
 */
public record EmergencyState(boolean primaryHealthy, @Nullable Incident incident, Instant since) {
  /**
   * Checks the required components.
   *
   * @param primaryHealthy whether the primary identity provider is healthy
   * @param incident the declared incident, or {@code null}
   * @param since when this state began
   * @throws NullPointerException if {@code since} is null
   */
  public EmergencyState {
    Objects.requireNonNull(since, "since");
  }

  /**
   * The emergency path is open when the primary is unhealthy or an incident is declared.
   *
   * @return {@code true} while break-glass requests and logins may proceed
   */
  public boolean isEmergency() {
    return !primaryHealthy || incident != null;
  }

  /**
   * An incident declared by an authorized person.
   *
   * @param id a unique identifier
   * @param declaredBy who declared it
   * @param reason why
   * @param declaredAt when
   */
  public record Incident(String id, String declaredBy, String reason, Instant declaredAt) {
    /**
     * Checks the required components.
     *
     * @param id a unique identifier
     * @param declaredBy who declared it
     * @param reason why
     * @param declaredAt when
     * @throws NullPointerException if any component is null
     */
    public Incident {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(declaredBy, "declaredBy");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(declaredAt, "declaredAt");
    }
  }
}

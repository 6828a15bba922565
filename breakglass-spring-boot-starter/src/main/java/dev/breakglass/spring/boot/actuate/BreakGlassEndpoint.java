package dev.breakglass.spring.boot.actuate;

import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassException;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.EmergencyState;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.EngineMetrics;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The actuator endpoint {@code breakglass}.
 *
 * <ul>
 *   <li>{@code GET /actuator/breakglass}: the emergency state, the open grants (no credentials) and
 *       the tainted accounts;
 *   <li>{@code POST /actuator/breakglass/declare} and {@code POST /actuator/breakglass/close} with
 *       {@code {"reason": "..."}}: declare or close an incident, as the signed-in user (who must be one
 *       of the policy's incident declarers);
 *   <li>{@code DELETE /actuator/breakglass/{grantId}?reason=...}: revoke a grant as the signed-in user.
 * </ul>
 *
 * <p>The write operations act in the name of the authenticated caller and refuse anonymous ones
 * (401); protect {@code /actuator/**} with the application's security as well, as for any endpoint
 * that changes state. Refusals by the engine answer 403 (or 404 for an unknown grant) with their
 * reason code.
 */
@Endpoint(id = "breakglass")
public class BreakGlassEndpoint {
  private final BreakGlass breakGlass;
  private final EngineMetrics engine;

  /**
   * @param breakGlass the engine
   * @param engine the readings of that engine (tainted accounts), as bound by its builder
   */
  public BreakGlassEndpoint(BreakGlass breakGlass, EngineMetrics engine) {
    this.breakGlass = Objects.requireNonNull(breakGlass, "breakGlass");
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /** The emergency state, the open grants (without credentials) and the tainted accounts. */
  @ReadOperation
  public Map<String, Object> state() {
    EmergencyState state = breakGlass.emergencyState();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("emergency", state.isEmergency());
    out.put("primaryHealthy", state.primaryHealthy());
    out.put("since", state.since().toString());
    EmergencyState.Incident incident = state.incident();
    if (incident != null) {
      Map<String, Object> i = new LinkedHashMap<>();
      i.put("id", incident.id());
      i.put("declaredBy", incident.declaredBy());
      i.put("reason", incident.reason());
      i.put("declaredAt", incident.declaredAt().toString());
      out.put("incident", i);
    }
    List<Map<String, Object>> grants = new ArrayList<>();
    for (EmergencyAccessGrant g : breakGlass.openGrants()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", g.id());
      m.put("account", g.account());
      m.put("requester", g.requester());
      m.put("status", g.status().name());
      m.put("approvals", g.approvals().size());
      m.put("approvalsRequired", g.approvalsRequired());
      m.put("requestedAt", g.requestedAt().toString());
      g.expiresAt().ifPresent(t -> m.put("expiresAt", t.toString()));
      m.put("credentialReleased", g.credentialReleased());
      grants.add(m);
    }
    out.put("openGrants", grants);
    out.put("taintedAccounts", List.copyOf(engine.taintedAccounts()));
    return out;
  }

  /**
   * Declares ({@code action = declare}) or closes ({@code action = close}) an incident.
   *
   * @param reason why; required
   */
  @WriteOperation
  public WebEndpointResponse<Map<String, Object>> incident(@Selector String action, String reason,
      @Nullable SecurityContext caller) {
    String actor = actor(caller);
    if (actor == null) {
      return refusal(401, ReasonCode.NOT_AUTHORIZED, "sign in to declare or close an incident");
    }
    try {
      switch (action) {
        case "declare" -> {
          EmergencyState.Incident incident = breakGlass.declareIncident(actor, reason);
          return new WebEndpointResponse<>(Map.of("incident", incident.id(), "declaredBy", actor), 200);
        }
        case "close" -> {
          breakGlass.closeIncident(actor, reason);
          return new WebEndpointResponse<>(Map.of("closedBy", actor), 200);
        }
        default -> {
          return refusal(400, ReasonCode.INVALID_REQUEST, "unknown action '" + action + "': use declare or close");
        }
      }
    } catch (BreakGlassException e) {
      return refusal(e);
    }
  }

  /** Revokes a pending or active grant now. */
  @DeleteOperation
  public WebEndpointResponse<Map<String, Object>> revoke(@Selector String grantId, @Nullable String reason,
      @Nullable SecurityContext caller) {
    String actor = actor(caller);
    if (actor == null) {
      return refusal(401, ReasonCode.NOT_AUTHORIZED, "sign in to revoke a grant");
    }
    try {
      EmergencyAccessGrant g = breakGlass.revoke(grantId, actor, reason == null ? "revoked through the actuator" : reason);
      return new WebEndpointResponse<>(Map.of("grant", g.id(), "status", g.status().name(), "revokedBy", actor), 200);
    } catch (BreakGlassException e) {
      return refusal(e);
    }
  }

  private static @Nullable String actor(@Nullable SecurityContext caller) {
    Principal p = caller == null ? null : caller.getPrincipal();
    return p == null ? null : p.getName();
  }

  private static WebEndpointResponse<Map<String, Object>> refusal(BreakGlassException e) {
    int status = e.code() == ReasonCode.GRANT_NOT_FOUND ? 404
        : e.code() == ReasonCode.INVALID_REQUEST ? 400 : 403;
    return refusal(status, e.code(), e.getMessage());
  }

  private static WebEndpointResponse<Map<String, Object>> refusal(int status, ReasonCode code, String message) {
    return new WebEndpointResponse<>(Map.of("code", code.name(), "message", message), status);
  }
}

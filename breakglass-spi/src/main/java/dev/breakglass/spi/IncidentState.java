package dev.breakglass.spi;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The stored declared incident: while one is declared, the emergency path is open whatever the health
 * probes say, and it stays declared across restarts until an authorized person closes it. One per
 * store, versioned like {@link GrantRecord}. Immutable.
 *
 * <pre>{@code
 * IncidentState s = store.incident();
 * if (!s.isDeclared()) {
 *   store.replaceIncident(s, s.declared("inc-42", "sre-lead", "IdP outage", clock.instant()));
 * }
 * }</pre>
 *
 * @param id the incident id, or {@code null} when none is declared
 * @param declaredBy who declared it, or {@code null} when none is declared
 * @param reason the reason given, or {@code null} when none is declared
 * @param declaredAt when it was declared, or {@code null} when none is declared
 * @param version optimistic-concurrency version, starting at 0
 */
public record IncidentState(@Nullable String id, @Nullable String declaredBy, @Nullable String reason,
    @Nullable Instant declaredAt, long version) {

  /**
   * Checks that the four facts are all present (declared) or all absent (none).
   *
   * @param id the incident id, or {@code null}
   * @param declaredBy who declared it, or {@code null}
   * @param reason the reason given, or {@code null}
   * @param declaredAt when it was declared, or {@code null}
   * @param version optimistic-concurrency version
   * @throws IllegalArgumentException if some facts are present and others absent
   */
  public IncidentState {
    boolean declared = id != null;
    if ((declaredBy != null) != declared || (reason != null) != declared || (declaredAt != null) != declared) {
      throw new IllegalArgumentException("an incident has an id, a declarer, a reason and a time, or none of them");
    }
  }

  /**
   * No incident has ever been stored: none declared, version 0.
   *
   * @return the state at version 0, none declared
   */
  public static IncidentState none() {
    return new IncidentState(null, null, null, null, 0);
  }

  /**
   * Whether an incident is declared.
   *
   * @return whether an incident is declared
   */
  public boolean isDeclared() {
    return id != null;
  }

  /**
   * The next version with {@code id} declared by {@code by} at {@code at}.
   *
   * @param id the incident id
   * @param by who declares it
   * @param reason the reason given
   * @param at when
   * @return the next version, declared
   */
  public IncidentState declared(String id, String by, String reason, Instant at) {
    return new IncidentState(Objects.requireNonNull(id, "id"), Objects.requireNonNull(by, "by"),
        Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(at, "at"), version + 1);
  }

  /**
   * The next version with no incident declared.
   *
   * @return the next version, none declared
   */
  public IncidentState closed() {
    return new IncidentState(null, null, null, null, version + 1);
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.ApprovalRecord;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.spi.GrantRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A live view of one grant: immutable facts come from the record it was created with; everything
 * that changes is read from the store on each call, and the status is computed against the clock.
 */
final class GrantHandle implements EmergencyAccessGrant {
  private final Engine engine;
  private final GrantRecord initial;

  GrantHandle(Engine engine, GrantRecord initial) {
    this.engine = engine;
    this.initial = initial;
  }

  private GrantRecord now() {
    return engine.current(initial.id());
  }

  @Override
  public String id() {
    return initial.id();
  }

  @Override
  public String requester() {
    return initial.requester();
  }

  @Override
  public String account() {
    return initial.account();
  }

  @Override
  public String reason() {
    return initial.reason();
  }

  @Override
  public Optional<String> ticket() {
    return Optional.ofNullable(initial.ticket());
  }

  @Override
  public Duration duration() {
    return initial.duration();
  }

  @Override
  public String requestDigest() {
    return initial.requestDigest();
  }

  @Override
  public Instant requestedAt() {
    return initial.requestedAt();
  }

  @Override
  public List<ApprovalRecord> approvals() {
    return now().approvals();
  }

  @Override
  public int approvalsRequired() {
    return initial.approvalsRequired();
  }

  @Override
  public Optional<Instant> issuedAt() {
    return Optional.ofNullable(now().issuedAt());
  }

  @Override
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(now().expiresAt());
  }

  @Override
  public GrantStatus status() {
    return engine.effectiveStatus(now());
  }

  @Override
  public boolean credentialReleased() {
    return now().credentialReleased();
  }

  @Override
  public Credential releaseCredential() {
    return engine.release(initial.id());
  }

  @Override
  public void revoke(String actor, String reason) {
    engine.revoke(initial.id(), actor, reason);
  }

  @Override
  public void close(String actor) {
    engine.close(initial.id(), actor);
  }

  @Override
  public boolean isDrill() {
    return DrillGrants.isDrill(initial.id());
  }

  @Override
  public String toString() {
    return "EmergencyAccessGrant[" + initial.id() + ", requester=" + initial.requester() + ", account="
        + initial.account() + "]";
  }
}

package dev.breakglass;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one drill of a break-glass account ({@link BreakGlass#completeDrill} or
 * {@link BreakGlass#drill(String, String)}).
 *
 * <p>A drill succeeded when the credential released for its drill grant was proven to authenticate
 * at its target, the grant was closed, the credential was rotated, and the rotated credential was
 * proven again (or, in a custodian-sealed vault, found sealed: only shares can open it). Anything
 * else is a failed drill:
 * {@link #failedStep()} says where it stopped and {@link #detail()} why, in words meant for the
 * operator who will fix it. Keep {@link #drillId()}: every audit record of the drill carries it
 * (detail {@code drillId}), so the records of one drill can be found and proven later; it is also
 * the id of the drill's grant.
 *
 * @param drillId the identifier written into every audit record of this drill (the drill grant's id)
 * @param account the drilled account
 * @param actor who ran the drill
 * @param startedAt when the drill started (engine clock)
 * @param finishedAt when it ended (engine clock)
 * @param succeeded whether every step passed
 * @param proofBefore the check at its target of the credential released for the drill
 * @param rotated whether the credential was rotated during the drill
 * @param proofAfter the check of the rotated credential, or {@code null} if the drill stopped first
 * @param failedStep the step that failed ({@code "release"}, {@code "prove"}, {@code "close"},
 *     {@code "rotate"} or {@code "prove-rotated"}), or {@code null} on success
 * @param detail a human-readable summary (never secret material)
 */
public record DrillResult(
    String drillId,
    String account,
    String actor,
    Instant startedAt,
    Instant finishedAt,
    boolean succeeded,
    CredentialCheck proofBefore,
    boolean rotated,
    @Nullable CredentialCheck proofAfter,
    @Nullable String failedStep,
    String detail) {

  /**
   * Checks the required components and that the result is consistent.
   *
   * @param drillId the identifier written into every audit record of this drill
   * @param account the drilled account
   * @param actor who ran the drill
   * @param startedAt when the drill started
   * @param finishedAt when it ended
   * @param succeeded whether every step passed
   * @param proofBefore the check of the pre-staged credential
   * @param rotated whether the credential was rotated
   * @param proofAfter the check of the rotated credential, or {@code null}
   * @param failedStep the step that failed, or {@code null} on success
   * @param detail a human-readable summary
   * @throws NullPointerException if a required component is null
   * @throws IllegalArgumentException if {@code succeeded} and {@code failedStep} disagree (a drill
   *     fails exactly when it names its failed step)
   */
  public DrillResult {
    Objects.requireNonNull(drillId, "drillId");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(proofBefore, "proofBefore");
    Objects.requireNonNull(detail, "detail");
    if (succeeded != (failedStep == null)) {
      throw new IllegalArgumentException("a drill fails exactly when it names its failed step");
    }
  }
}

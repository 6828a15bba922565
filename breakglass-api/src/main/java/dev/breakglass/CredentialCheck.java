package dev.breakglass;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The freshness of one pre-staged break-glass credential, as {@link BreakGlass#checkCredentials()}
 * found it. Drills run this to prove the emergency path still works before it is needed.
 *
 * @param account the break-glass account
 * @param outcome what was found
 * @param detail a human-readable explanation (never secret material)
 * @param lastDrill when the account last passed a drill ({@link BreakGlass#drill}), or {@code null}
 *     if it has not passed one since the engine started
 */
public record CredentialCheck(String account, Outcome outcome, String detail, @Nullable Instant lastDrill) {
  /**
   * A check that knows nothing about drills ({@code lastDrill} is {@code null}).
   *
   * @param account the break-glass account
   * @param outcome what was found
   * @param detail a human-readable explanation (never secret material)
   */
  public CredentialCheck(String account, Outcome outcome, String detail) {
    this(account, outcome, detail, null);
  }

  /**
   * This check with the time of the account's last successful drill.
   *
   * @param when when the account last passed a drill, or {@code null} if never
   * @return a copy of this check with {@code lastDrill} set
   */
  public CredentialCheck withLastDrill(@Nullable Instant when) {
    return new CredentialCheck(account, outcome, detail, when);
  }

  /**
   * Checks the required components.
   *
   * @param account the break-glass account
   * @param outcome what was found
   * @param detail a human-readable explanation
   * @param lastDrill when the account last passed a drill, or {@code null}
   * @throws NullPointerException if {@code account}, {@code outcome} or {@code detail} is null
   */
  public CredentialCheck {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
  }

  /**
   * Whether the credential can be relied on in an emergency.
   *
   * @return {@code true} for {@link Outcome#FRESH}, {@link Outcome#DECRYPTS}, {@link Outcome#SEALED}
   *     and {@link Outcome#EPHEMERAL}; {@code false} when the credential needs attention
   */
  public boolean usable() {
    return outcome == Outcome.FRESH || outcome == Outcome.DECRYPTS || outcome == Outcome.SEALED
        || outcome == Outcome.EPHEMERAL;
  }

  /** What a check found. */
  public enum Outcome {
    /** The credential decrypts and still authenticates at its target. */
    FRESH,
    /** The credential decrypts; its rotator cannot test it at the target. */
    DECRYPTS,
    /** The vault is sealed: the credential is present but decrypting it needs custodians' shares. */
    SEALED,
    /** The account is ephemeral: a credential is minted per grant, so there is nothing to check. */
    EPHEMERAL,
    /** The credential decrypts but the target rejects it. */
    STALE,
    /** The credential is missing or does not decrypt. */
    UNREADABLE,
    /** The target could not be reached to test the credential. */
    UNREACHABLE
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlassException;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.CredentialCheck;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.SealedCredentialVault;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks, without releasing anything, that every pre-staged credential is still usable: that it
 * decrypts and, where its rotator can tell, that it still authenticates at its target. The check is
 * audited; an unusable credential raises a critical alert. Drills run this. Thread-safe.
 */
final class FreshnessChecks {
  private final BreakGlassPolicy policy;
  private final CredentialVault vault;
  private final RotationScheduler rotation;
  private final Recorder recorder;

  FreshnessChecks(BreakGlassPolicy policy, CredentialVault vault, RotationScheduler rotation, Recorder recorder) {
    this.policy = policy;
    this.vault = vault;
    this.rotation = rotation;
    this.recorder = recorder;
  }

  /** Checks every account of the policy and audits the outcome (one detail per account). */
  List<CredentialCheck> checkAll() {
    List<CredentialCheck> checks = new ArrayList<>();
    for (AccountPolicy ap : policy.accounts().values()) {
      checks.add(check(ap));
    }
    AuditDetails details = recorder.details();
    checks.forEach(c -> details.put(c.account(), c.outcome().name()));
    boolean allUsable = checks.stream().allMatch(CredentialCheck::usable);
    recorder.record(allUsable ? AuditEventType.CREDENTIALS_CHECKED : AuditEventType.CREDENTIALS_UNUSABLE,
        AuditEvent.SYSTEM, null, null, details,
        allUsable ? "all " + checks.size() + " break-glass credentials are usable"
            : "UNUSABLE break-glass credentials: " + checks.stream().filter(c -> !c.usable())
                .map(c -> c.account() + "=" + c.outcome()).collect(Collectors.joining(", ")));
    return checks;
  }

  /** The state of one account's credential. */
  CredentialCheck check(AccountPolicy ap) {
    String account = ap.name();
    if (ap.ephemeral()) {
      return new CredentialCheck(account, CredentialCheck.Outcome.EPHEMERAL, "a credential is minted per grant");
    }
    if (vault instanceof SealedCredentialVault) {
      return vault.accounts().contains(account)
          ? new CredentialCheck(account, CredentialCheck.Outcome.SEALED, "present; decrypting needs custodians' shares")
          : new CredentialCheck(account, CredentialCheck.Outcome.UNREADABLE, "not in the vault");
    }
    try (Credential c = vault.read(account)) {
      if (c.secret().length == 0) {
        return new CredentialCheck(account, CredentialCheck.Outcome.UNREADABLE, "empty credential");
      }
    } catch (BreakGlassException e) {
      return new CredentialCheck(account, CredentialCheck.Outcome.UNREADABLE, e.getMessage());
    }
    Optional<CredentialRotator> rotator = rotation.rotatorFor(account);
    if (rotator.isEmpty()) {
      return new CredentialCheck(account, CredentialCheck.Outcome.DECRYPTS, "decrypts; no rotator for this account");
    }
    try {
      return rotator.get().verify(account, vault)
          ? new CredentialCheck(account, CredentialCheck.Outcome.FRESH, "authenticates at its target (" + rotator.get().name() + ")")
          : new CredentialCheck(account, CredentialCheck.Outcome.STALE, "rejected by its target (" + rotator.get().name() + ")");
    } catch (UnsupportedOperationException e) {
      return new CredentialCheck(account, CredentialCheck.Outcome.DECRYPTS, "decrypts; " + rotator.get().name()
          + " cannot test it at the target");
    } catch (RuntimeException e) {
      return new CredentialCheck(account, CredentialCheck.Outcome.UNREACHABLE, rotator.get().name() + ": " + e.getMessage());
    }
  }
}

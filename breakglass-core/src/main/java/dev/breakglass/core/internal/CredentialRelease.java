package dev.breakglass.core.internal;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.Credential;
import dev.breakglass.GrantStatus;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.rotation.EphemeralCredentials;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.SealedCredentialVault;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where credentials leave the vault and come back as logins: the one release of an active grant's
 * credential (after a confirmed alert where the policy asks for one), the custodians' shares a
 * sealed vault needs (in memory only, until release or the grant's end), the login digests kept at
 * release, and the check of a presented secret against them (the emergency login itself is
 * {@link EmergencyLogins}). Thread-safe.
 */
final class CredentialRelease {
  /** The longest a release waits for an alert confirmation, whatever the dispatcher's own timeout. */
  private static final Duration CONFIRMATION_BOUND = Duration.ofMinutes(2);

  private final GrantStateMachine grants;
  private final GrantRules rules;
  private final Recorder recorder;
  private final EmergencyMonitor monitor;
  private final CredentialVault vault;
  private final EphemeralCredentials ephemeral;
  private final ConcurrentHashMap<String, Map<String, char[]>> shares = new ConcurrentHashMap<>();
  private final LoginDigests digests = new LoginDigests();

  CredentialRelease(GrantStateMachine grants, GrantRules rules, Recorder recorder, EmergencyMonitor monitor,
      CredentialVault vault, EphemeralCredentials ephemeral) {
    this.grants = grants;
    this.rules = rules;
    this.recorder = recorder;
    this.monitor = monitor;
    this.vault = vault;
    this.ephemeral = ephemeral;
  }

  /**
   * Releases the credential of an active grant, once, audited before it leaves: from the vault
   * (with the custodians' shares for a sealed one) or minted for an ephemeral account.
   */
  Credential release(String grantId) {
    if (DrillGrants.isDrill(grantId)) {
      throw grants.withGrant(grantId, AuditEvent.SYSTEM, rec -> recorder.refuse(
          AuditEventType.CREDENTIAL_RELEASE_REFUSED, new Refusal(ReasonCode.DRILL_GRANT, "grant " + rec.id()
              + " is a drill's: its credential is released only inside the drill, never to a caller"),
          rec.requester(), rec));
    }
    awaitConfirmedIssueAlert(grantId);
    return grants.withGrant(grantId, AuditEvent.SYSTEM, rec -> releaseLocked(rec, false));
  }

  /**
   * Releases the credential of an active drill grant, with every check and record of a real
   * release except the emergency requirement, for the drill to prove it at its target. The caller
   * (the drill) owns it and wipes it; it is never remembered for logins.
   */
  Credential releaseForDrill(String grantId) {
    if (!DrillGrants.isDrill(grantId)) {
      throw new IllegalArgumentException(grantId + " is not a drill grant");
    }
    awaitConfirmedIssueAlert(grantId);
    return grants.withGrant(grantId, AuditEvent.SYSTEM, rec -> releaseLocked(rec, true));
  }

  private Credential releaseLocked(GrantRecord rec, boolean drill) {
    GrantStatus status = rules.status(rec);
    if (status != GrantStatus.ACTIVE) {
      throw recorder.refuse(AuditEventType.CREDENTIAL_RELEASE_REFUSED, new Refusal(ReasonCode.GRANT_NOT_ACTIVE,
          "grant " + rec.id() + " is " + status + "; its credential cannot be released"), rec.requester(), rec);
    }
    if (rec.credentialReleased()) {
      throw recorder.refuse(AuditEventType.CREDENTIAL_RELEASE_REFUSED, new Refusal(ReasonCode.ALREADY_RELEASED,
          "the credential of grant " + rec.id() + " has already been released"), rec.requester(), rec);
    }
    if (!drill && rules.account(rec).emergencyRequired() && !monitor.isEmergency()) {
      recorder.recordRefusal(AuditEventType.USE_OUTSIDE_EMERGENCY, rec.requester(), rec.id(), rec.account(),
          Map.of("operation", "release"), "credential release for " + rec.account() + " attempted outside an emergency");
      throw new AccessDeniedException(ReasonCode.NOT_IN_EMERGENCY,
          "no emergency: the credential of " + rec.account() + " is released only during an emergency", rec.id());
    }
    boolean minted = rules.account(rec).ephemeral();
    Credential credential = minted
        ? ephemeral.mint(rec.account(), rec.id(), Objects.requireNonNull(rec.expiresAt()))
        : readForRelease(rec);
    try {
      AuditDetails details = recorder.details().putSecret("credential", credential.secret())
          .put("source", minted ? "ephemeral" : "vault");
      grants.transitionRecordingOutcome(rec, GrantTransition.RELEASE, rec.withCredentialReleased(true),
          rec.requester(), details, "credential of " + rec.account() + " released to " + rec.requester(),
          AuditEventType.CREDENTIAL_RELEASE_ATTEMPT, AuditEventType.CREDENTIAL_RELEASE_LOST_RACE);
      if (!minted && !drill) {
        digests.remember(rec.id(), credential.secret());
      }
      forgetShares(rec.id());
      return credential;
    } catch (RuntimeException e) {
      credential.close();
      if (minted) {
        ephemeral.forget(rec.id());
      }
      throw e;
    }
  }

  /**
   * Where the account's policy asks for it, waits (outside any lock, bounded by the dispatcher's
   * confirmation timeout) until an alert channel has confirmed the grant's GRANT_ISSUED alert.
   */
  private void awaitConfirmedIssueAlert(String grantId) {
    GrantRecord rec = grants.find(grantId).orElse(null);
    if (rec == null || !rec.wasIssued() || !rules.account(rec).confirmedAlertBeforeRelease()) {
      return;
    }
    CompletableFuture<Void> confirmed = recorder.confirmation(GrantTransition.issuedAlertId(grantId),
        AuditEventType.GRANT_ISSUED, grantId, rec.account(),
        "grant issued to " + rec.requester() + " for " + rec.account());
    String why;
    try {
      confirmed.get(CONFIRMATION_BOUND.toMillis(), TimeUnit.MILLISECONDS);
      return;
    } catch (ExecutionException e) {
      why = e.getCause() == null ? e.toString() : e.getCause().getMessage();
    } catch (TimeoutException e) {
      why = "no confirmation within " + CONFIRMATION_BOUND.toSeconds() + " s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "interrupted while waiting for confirmation";
    }
    throw recorder.refuse(AuditEventType.CREDENTIAL_RELEASE_REFUSED, new Refusal(ReasonCode.ALERT_NOT_CONFIRMED,
        "no alert channel has confirmed delivery of grant " + grantId + "'s alert, so its credential stays in the vault ("
            + why + "); retry when an alert channel is reachable"), rec.requester(), rec);
  }

  private Credential readForRelease(GrantRecord rec) {
    if (vault instanceof SealedCredentialVault) {
      Map<String, char[]> collected = shares.getOrDefault(rec.id(), Map.of());
      return ((SealedCredentialVault) vault).read(rec.account(), Map.copyOf(collected));
    }
    return vault.read(rec.account());
  }

  /** Keeps a copy of a custodian's share until the grant's credential is released or the grant ends. */
  void holdShare(String grantId, String custodian, char[] share) {
    shares.computeIfAbsent(grantId, k -> new ConcurrentHashMap<>()).put(custodian, share.clone());
  }

  /** The grant ended: wipes its shares and forgets its login digest (and an ephemeral verifier is the caller's). */
  void forget(String grantId) {
    forgetShares(grantId);
    digests.forget(grantId);
  }

  /** Wipes everything held in memory (the engine is closing). */
  void forgetAll() {
    new ArrayList<>(shares.keySet()).forEach(this::forgetShares);
    digests.forgetAll();
  }

  private void forgetShares(String grantId) {
    Map<String, char[]> removed = shares.remove(grantId);
    if (removed != null) {
      removed.values().forEach(s -> Arrays.fill(s, '\0'));
    }
  }

  // ---------------------------------------------------------------- logins

  /**
   * Checks a presented secret against the credential released for {@code rec}: by the keyed digest
   * kept at release (no vault access), or, where another engine instance released it, against the
   * vault's current value. A sealed vault cannot be read without shares, so there only the digest counts.
   */
  boolean presentedMatches(GrantRecord rec, char[] presented) {
    if (rules.account(rec).ephemeral()) {
      return ephemeral.verify(rec.account(), presented);
    }
    Boolean byDigest = digests.matches(rec.id(), presented);
    if (byDigest != null) {
      return byDigest;
    }
    if (vault instanceof SealedCredentialVault) {
      return false;
    }
    try (Credential current = vault.read(rec.account())) {
      return constantTimeEquals(current.secret(), presented);
    }
  }

  static boolean constantTimeEquals(char[] a, char[] b) {
    byte[] x = utf8(a);
    byte[] y = utf8(b);
    try {
      return MessageDigest.isEqual(x, y);
    } finally {
      Arrays.fill(x, (byte) 0);
      Arrays.fill(y, (byte) 0);
    }
  }

  private static byte[] utf8(char[] chars) {
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = new byte[bb.remaining()];
    bb.get(out);
    if (bb.hasArray()) {
      Arrays.fill(bb.array(), (byte) 0);
    }
    return out;
  }
}

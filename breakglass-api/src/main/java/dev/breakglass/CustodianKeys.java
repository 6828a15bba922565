package dev.breakglass;

import java.util.List;
import java.util.Optional;

/**
 * The registry of custodians' public keys, reached through {@link BreakGlass#custodianKeys()}.
 * Register keys while the identity provider is healthy, after the host has authenticated the
 * custodian the usual way: that is when the host can still tell who is at the keyboard. During an
 * emergency, registration is refused (removal is not: a lost key must be removable at any time).
 *
 * <pre>{@code
 * // in the host's key-enrolment page, behind its normal sign-in:
 * CustodianKey key = CustodianKey.raw(user, ApprovalSignature.Kind.ECDSA_P256, spki, "YubiKey 5C PIV");
 * breakGlass.custodianKeys().register(key, user);
 * }</pre>
 *
 * <p>Each registration and removal is written to the audit log ({@link
 * AuditEventType#CUSTODIAN_KEY_REGISTERED}, {@link AuditEventType#CUSTODIAN_KEY_REMOVED}) before it
 * takes effect. Implementations are thread-safe.
 */
public interface CustodianKeys {
  /**
   * Registers {@code key} for its custodian. From then on, decisions that custodian signs with it
   * are accepted, and accounts whose {@link AccountPolicy#approvalSignature()} is
   * {@link SignatureRequirement#WHEN_REGISTERED} start requiring signatures from their custodians.
   *
   * <p>Requesters and incident declarers register keys too: a key signs its holder in to the
   * approval console while the identity provider is down. Only a custodian's key ever counts for an
   * approval, because the engine checks custodianship before it looks at a signature.
   *
   * @param key the key, from {@link CustodianKey#raw} or {@link CustodianKey#webAuthn}
   * @param actor who registers it: the key's holder, or one of the policy's incident declarers
   * @return the key as stored, with its registration time
   * @throws AccessDeniedException with {@link ReasonCode#NOT_AUTHORIZED} if the actor may not
   *     register it, its holder is no requester or custodian of any account nor an incident
   *     declarer, the key is already registered, or an emergency is open
   * @throws AuditUnavailableException if the registration could not be audited (nothing stored)
   */
  CustodianKey register(CustodianKey key, String actor);

  /**
   * Removes a key, for example one that was lost or belongs to a custodian who left; decisions
   * signed with it are refused from then on ({@link ReasonCode#KEY_NOT_REGISTERED}). Removal is
   * allowed during an emergency too. Signatures it made before are still re-verified offline, from
   * the registration the audit log kept.
   *
   * @param custodian the custodian the key is registered to
   * @param keyId the key's {@link CustodianKey#keyId()}
   * @param actor the custodian, or one of the policy's incident declarers
   * @param reason why, for the audit trail
   * @throws AccessDeniedException with {@link ReasonCode#KEY_NOT_REGISTERED} if no such key is
   *     registered to {@code custodian}, or {@link ReasonCode#NOT_AUTHORIZED} if the actor may not
   *     remove it
   * @throws AuditUnavailableException if the removal could not be audited (nothing removed)
   */
  void remove(String custodian, String keyId, String actor, String reason);

  /**
   * Records the signature counter of a WebAuthn assertion made with {@code keyId} outside a
   * decision, such as a sign-in to the approval console, after the caller has verified the
   * assertion. The counter is stored where the key is, so it survives restarts and is shared with
   * every instance on the same data directory; the next assertion, for a sign-in or a decision,
   * must report a higher one.
   *
   * <pre>{@code
   * long count = verifier.verifyAssertion(key, challenge, authenticatorData, clientDataJSON, signature);
   * breakGlass.custodianKeys().recordSignCount(key.keyId(), count);   // throws for a cloned key
   * }</pre>
   *
   * @param keyId the WebAuthn credential id
   * @param signCount the counter the verified assertion reported; 0 from an authenticator that
   *     keeps no counter (accepted only while the stored counter is 0 as well)
   * @return the key as stored after the update
   * @throws AccessDeniedException with {@link ReasonCode#SIGNATURE_COUNTER_REGRESSED} if the
   *     counter does not grow past the stored one (the authenticator may have been cloned; the
   *     refusal is audited), or {@link ReasonCode#KEY_NOT_REGISTERED} if no such key is registered
   */
  CustodianKey recordSignCount(String keyId, long signCount);

  /**
   * The keys registered to {@code custodian}, oldest first; show them on a custodian's key page.
   *
   * @param custodian the custodian's name
   * @return the keys, empty if the custodian has none
   */
  List<CustodianKey> keys(String custodian);

  /**
   * Every registered key, oldest first.
   *
   * @return a snapshot of all keys
   */
  List<CustodianKey> all();

  /**
   * The key with this id, if registered; key ids are unique across custodians.
   *
   * @param keyId a raw key's {@link CustodianKey#rawKeyId} or a WebAuthn credential id
   * @return the key, or empty if no key has that id
   */
  default Optional<CustodianKey> find(String keyId) {
    return all().stream().filter(k -> k.keyId().equals(keyId)).findFirst();
  }
}

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
   * Registers {@code key} for its custodian.
   *
   * @param actor who registers it: the custodian, or one of the policy's incident declarers
   * @return the key as stored, with its registration time
   * @throws AccessDeniedException with {@link ReasonCode#NOT_AUTHORIZED} if the actor may not
   *     register it, the custodian is no custodian of any account, the key is already registered,
   *     or an emergency is open
   * @throws AuditUnavailableException if the registration could not be audited (nothing stored)
   */
  CustodianKey register(CustodianKey key, String actor);

  /**
   * Removes a key; approvals signed with it are refused from then on.
   *
   * @param actor the custodian, or one of the policy's incident declarers
   * @throws AccessDeniedException with {@link ReasonCode#KEY_NOT_REGISTERED} if there is no such key,
   *     or {@link ReasonCode#NOT_AUTHORIZED}
   */
  void remove(String custodian, String keyId, String actor, String reason);

  /** The keys registered to {@code custodian}, oldest first. */
  List<CustodianKey> keys(String custodian);

  /** Every registered key, oldest first. */
  List<CustodianKey> all();

  /** The key with this id, if registered. */
  default Optional<CustodianKey> find(String keyId) {
    return all().stream().filter(k -> k.keyId().equals(keyId)).findFirst();
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.CustodianKey;
import dev.breakglass.CustodianKeys;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.approval.SignatureDetails;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * {@link CustodianKeys} for the engine: who may register or remove a key, audited before the
 * registry ({@link CustodianKeyStore}) changes. Registration is refused during an emergency, when
 * the host's own authentication may be the thing that failed; removal never is. Thread-safe.
 */
final class CustodianKeyService implements CustodianKeys {
  private final BreakGlassPolicy policy;
  private final CustodianKeyStore store;
  private final Recorder recorder;
  private final BooleanSupplier emergency;

  CustodianKeyService(BreakGlassPolicy policy, CustodianKeyStore store, Recorder recorder, BooleanSupplier emergency) {
    this.policy = policy;
    this.store = store;
    this.recorder = recorder;
    this.emergency = emergency;
  }

  @Override
  public CustodianKey register(CustodianKey key, String actor) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(actor, "actor");
    String custodian = key.custodian();
    String refusal = null;
    if (!named(custodian)) {
      refusal = custodian + " is no requester or custodian of any account nor an incident declarer";
    } else if (!actor.equals(custodian) && !policy.incidentDeclarers().contains(actor)) {
      refusal = actor + " may not register keys for " + custodian;
    } else if (emergency.getAsBoolean()) {
      refusal = "keys are registered only while the primary identity provider is healthy and no incident is"
          + " declared: the host cannot vouch for " + custodian + " now";
    } else if (store.find(key.keyId()) != null) {
      refusal = "key " + key.keyId() + " is already registered";
    }
    if (refusal != null) {
      recorder.recordRefusal(AuditEventType.ACCESS_DENIED, actor, null, null,
          recorder.details().put("reason", ReasonCode.NOT_AUTHORIZED.name()).put("detail", refusal)
              .put("operation", "register-custodian-key"), refusal);
      throw new AccessDeniedException(ReasonCode.NOT_AUTHORIZED, refusal);
    }
    CustodianKey stored = key.registeredAt(recorder.clock().instant());
    recorder.record(AuditEventType.CUSTODIAN_KEY_REGISTERED, actor, null, null,
        recorder.details().putAll(SignatureDetails.of(stored)),
        actor + " registered " + stored.kind().label() + " key " + stored.keyId() + " (" + stored.label() + ") for "
            + custodian);
    store.add(stored);
    return stored;
  }

  @Override
  public void remove(String custodian, String keyId, String actor, String reason) {
    Objects.requireNonNull(custodian, "custodian");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(actor, "actor");
    CustodianKey key = store.find(keyId);
    ReasonCode code = null;
    String refusal = null;
    if (!actor.equals(custodian) && !policy.incidentDeclarers().contains(actor)) {
      code = ReasonCode.NOT_AUTHORIZED;
      refusal = actor + " may not remove keys of " + custodian;
    } else if (key == null || !key.custodian().equals(custodian)) {
      code = ReasonCode.KEY_NOT_REGISTERED;
      refusal = "no key " + keyId + " is registered to " + custodian;
    }
    if (refusal != null) {
      recorder.recordRefusal(AuditEventType.ACCESS_DENIED, actor, null, null,
          recorder.details().put("reason", code.name()).put("detail", refusal).put("operation", "remove-custodian-key"),
          refusal);
      throw new AccessDeniedException(code, refusal);
    }
    recorder.record(AuditEventType.CUSTODIAN_KEY_REMOVED, actor, null, null,
        recorder.details().putAll(Map.of(SignatureDetails.CUSTODIAN, custodian, SignatureDetails.KEY_ID, keyId,
            "reason", reason == null ? "" : reason)),
        actor + " removed key " + keyId + " of " + custodian);
    store.remove(custodian, keyId);
  }

  /** Whether the policy names {@code who}: only they hold keys (custodians' keys alone count for approvals). */
  private boolean named(String who) {
    return policy.incidentDeclarers().contains(who) || policy.accounts().values().stream()
        .anyMatch(a -> a.isCustodian(who) || a.isRequester(who));
  }

  @Override
  public CustodianKey recordSignCount(String keyId, long signCount) {
    Objects.requireNonNull(keyId, "keyId");
    CustodianKey key = store.find(keyId);
    if (key == null) {
      throw new AccessDeniedException(ReasonCode.KEY_NOT_REGISTERED, "no key " + keyId + " is registered");
    }
    try {
      store.advanceCounter(keyId, signCount);
    } catch (AccessDeniedException e) {
      recorder.recordRefusal(AuditEventType.ACCESS_DENIED, key.custodian(), null, null,
          recorder.details().put("reason", e.code().name()).put("detail", e.getMessage())
              .put("operation", "sign-in").put(SignatureDetails.KEY_ID, keyId),
          e.getMessage());
      throw e;
    }
    CustodianKey stored = store.find(keyId);
    return stored == null ? key.withSignCount(signCount) : stored;
  }

  @Override
  public List<CustodianKey> keys(String custodian) {
    return store.all().stream().filter(k -> k.custodian().equals(custodian)).collect(Collectors.toList());
  }

  @Override
  public List<CustodianKey> all() {
    return store.all();
  }

  /** Whether any custodian of {@code account} has a registered key. */
  boolean anyRegistered(AccountPolicy account) {
    return store.all().stream().anyMatch(k -> account.custodians().contains(k.custodian()));
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccountPolicy;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.CustodianKey;
import dev.breakglass.Decision;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.approval.SignatureDetails;
import dev.breakglass.core.approval.SignatureVerifiers;
import dev.breakglass.spi.GrantRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The signature half of an approval or denial, checked after {@link ApprovalRules} (self-approval,
 * custodianship, digest, duplicates) has allowed the decision: whether the account requires a
 * signature, that the key is registered to this custodian, that the signature verifies over the
 * {@link ApprovalStatement} of this grant, digest, custodian, decision and time, that the time lies
 * within the request's life, and that a WebAuthn counter grew (recorded durably before the decision
 * is). Refusals are thrown as {@link AccessDeniedException}s for the caller to audit. Thread-safe.
 */
final class SignedDecisions {
  /** How far a signing time may lie ahead of the engine's clock (custodians' clocks drift). */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

  private final CustodianKeyStore store;
  private final CustodianKeyService keys;
  private final SignatureVerifiers verifiers;

  SignedDecisions(CustodianKeyStore store, CustodianKeyService keys, SignatureVerifiers verifiers) {
    this.store = store;
    this.keys = keys;
    this.verifiers = verifiers;
  }

  /** Whether decisions about {@code account} must be signed now. */
  boolean required(AccountPolicy account) {
    switch (account.approvalSignature()) {
      case REQUIRED:
        return true;
      case OPTIONAL:
        return false;
      default:
        return keys.anyRegistered(account);
    }
  }

  /**
   * Checks the signature of a decision, if any, and advances a WebAuthn counter.
   *
   * @return the audit details to add to the decision's record (empty for an allowed unsigned one)
   * @throws AccessDeniedException with the signature reason code
   */
  Map<String, String> check(GrantRecord grant, AccountPolicy account, String custodian, Decision decision,
      @Nullable ApprovalSignature signature, Instant now) {
    if (signature == null) {
      if (required(account)) {
        throw new AccessDeniedException(ReasonCode.SIGNATURE_REQUIRED, "'" + account.name()
            + "' requires custodians to sign their decisions; " + custodian + "'s " + decision.word()
            + " of " + grant.id() + " carries no signature", grant.id());
      }
      return Map.of(SignatureDetails.DECISION, decision.word());
    }
    CustodianKey key = store.find(signature.keyId());
    if (key == null || !key.custodian().equals(custodian)) {
      throw new AccessDeniedException(ReasonCode.KEY_NOT_REGISTERED, "key " + signature.keyId()
          + " is not registered to " + custodian, grant.id());
    }
    if (key.kind() != signature.kind()) {
      throw new AccessDeniedException(ReasonCode.SIGNATURE_INVALID, "key " + key.keyId() + " is a "
          + key.kind().label() + " key, the signature claims " + signature.kind().label(), grant.id());
    }
    Instant at = signature.signedAt();
    if (at.isBefore(grant.requestedAt().minus(CLOCK_SKEW).truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
        || at.isAfter(now.plus(CLOCK_SKEW))) {
      throw new AccessDeniedException(ReasonCode.SIGNATURE_INVALID, "the signature of " + custodian + " is dated "
          + at + ", outside the life of request " + grant.id() + " (requested " + grant.requestedAt() + ", now "
          + now + ")", grant.id());
    }
    ApprovalStatement statement = signature.statement(grant.id(), grant.requestDigest(), custodian, decision);
    long count;
    try {
      count = verifiers.verify(signature, key, statement);
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(e.code(), e.getMessage(), grant.id());
    }
    if (signature.kind() == ApprovalSignature.Kind.WEBAUTHN) {
      try {
        store.advanceCounter(key.keyId(), count);
      } catch (AccessDeniedException e) {
        throw new AccessDeniedException(e.code(), e.getMessage(), grant.id());
      }
    }
    return SignatureDetails.of(decision, signature, count);
  }
}

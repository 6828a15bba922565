package dev.breakglass.spi;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.CustodianKey;
import dev.breakglass.ReasonCode;

/**
 * Verifies custodians' signatures of one {@link ApprovalSignature.Kind} against their registered
 * {@link CustodianKey}. The engine verifies raw Ed25519 and ECDSA P-256 signatures itself; a
 * verifier for WebAuthn assertions ships in {@code breakglass-webauthn} and is found through
 * {@link ApprovalSignatureVerifierProvider}. Offline tools ({@code breakglass verify}) use the same
 * verifiers, without an origin to check.
 *
 * <p>A verifier decides only whether the signature is good for the statement and key; the engine
 * has already matched the key to the custodian, and keeps the WebAuthn counter. Implementations must
 * be thread-safe and use vetted libraries (the JDK, Bouncy Castle, webauthn4j), never their own
 * cryptography.
 */
public interface ApprovalSignatureVerifier extends AutoCloseable {
  /**
   * The kind of signature this verifier checks. The engine keeps one verifier per kind and hands
   * each signature to the verifier of its {@link ApprovalSignature#kind()}; a verifier of a kind the
   * engine already has replaces it.
   *
   * @return the signature kind, for example {@link ApprovalSignature.Kind#WEBAUTHN}
   */
  ApprovalSignature.Kind kind();

  /**
   * Checks that {@code signature} is {@code key}'s signature over {@code statement}. The engine
   * calls it for every signed approval or denial, after checking that the key is registered to the
   * deciding custodian, is of this verifier's kind, and that the signing time falls within the
   * request's life; it rebuilds {@code statement} itself from the grant, so a signature made for
   * anything else fails here. Do not check or store the WebAuthn counter: return it and the engine
   * compares it with {@link CustodianKey#signCount()}.
   *
   * @param signature the signature as the custodian's tool or browser produced it; its kind is
   *     {@link #kind()}
   * @param key the custodian's registered key the signature names ({@link ApprovalSignature#keyId()})
   * @param statement the statement the signature must cover
   * @return the signature counter the signature reports (WebAuthn), or 0 when there is none
   * @throws AccessDeniedException with {@link ReasonCode#SIGNATURE_INVALID} (bad signature, wrong
   *     key type, malformed data), {@link ReasonCode#ASSERTION_REPLAYED} (a WebAuthn challenge that
   *     binds another statement) or {@link ReasonCode#WRONG_ORIGIN} (another origin or RP id); the
   *     message says what did not match and never contains key material
   */
  long verify(ApprovalSignature signature, CustodianKey key, ApprovalStatement statement);

  /** Releases what the verifier holds; the default does nothing. */
  @Override
  default void close() {}
}

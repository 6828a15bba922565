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
  /** The kind of signature this verifier checks. */
  ApprovalSignature.Kind kind();

  /**
   * Checks that {@code signature} is {@code key}'s signature over {@code statement}.
   *
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

package dev.breakglass.core.approval;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.CustodianKey;
import dev.breakglass.InvalidRequestException;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.ApprovalSignatureVerifier;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Verifies raw Ed25519 (RFC 8032) and ECDSA P-256 ({@code SHA256withECDSA}, DER) signatures over
 * {@link ApprovalStatement#bytes()} with the JDK's own providers. Thread-safe (a new
 * {@link Signature} per call).
 */
public final class RawSignatureVerifier implements ApprovalSignatureVerifier {
  private final ApprovalSignature.Kind kind;
  private final String algorithm;

  private RawSignatureVerifier(ApprovalSignature.Kind kind, String algorithm) {
    this.kind = kind;
    this.algorithm = algorithm;
  }

  /** The verifier of Ed25519 signatures. */
  public static RawSignatureVerifier ed25519() {
    return new RawSignatureVerifier(ApprovalSignature.Kind.ED25519, "Ed25519");
  }

  /** The verifier of ECDSA P-256 signatures. */
  public static RawSignatureVerifier ecdsaP256() {
    return new RawSignatureVerifier(ApprovalSignature.Kind.ECDSA_P256, "SHA256withECDSA");
  }

  /** The JDK algorithm name that signs statements with keys of {@code kind}: {@code Ed25519} or {@code SHA256withECDSA}. */
  public static String jdkAlgorithm(ApprovalSignature.Kind kind) {
    switch (kind) {
      case ED25519:
        return "Ed25519";
      case ECDSA_P256:
        return "SHA256withECDSA";
      default:
        throw new IllegalArgumentException(kind.label() + " is not a raw signature kind");
    }
  }

  @Override
  public ApprovalSignature.Kind kind() {
    return kind;
  }

  @Override
  public long verify(ApprovalSignature signature, CustodianKey key, ApprovalStatement statement) {
    if (signature.kind() != kind || key.kind() != kind) {
      throw new AccessDeniedException(ReasonCode.SIGNATURE_INVALID, "a " + signature.kind().label()
          + " signature cannot be checked with the " + key.kind().label() + " key " + key.keyId());
    }
    boolean good;
    try {
      PublicKey publicKey = CustodianKey.toPublicKey(kind, key.publicKey());
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(statement.bytes());
      good = verifier.verify(signature.signature());
    } catch (InvalidRequestException e) {
      throw new AccessDeniedException(ReasonCode.SIGNATURE_INVALID, "the registered key " + key.keyId()
          + " is unusable: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      // A malformed signature (bad DER, wrong length) is as bad as a wrong one.
      good = false;
    }
    if (!good) {
      throw new AccessDeniedException(ReasonCode.SIGNATURE_INVALID, "the " + kind.label() + " signature by key "
          + key.keyId() + " does not verify over the statement for grant " + statement.grantId() + " ("
          + statement.decision().word() + " by " + statement.approver() + " at " + statement.signedAt()
          + "): it was made over another request's digest, or altered");
    }
    return 0;
  }
}

package dev.breakglass.core.approval;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.CustodianKey;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.ApprovalSignatureVerifier;
import dev.breakglass.spi.ApprovalSignatureVerifierProvider;
import dev.breakglass.spi.ProviderContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One verifier per signature kind: raw Ed25519 and ECDSA P-256 always (the JDK), others (WebAuthn)
 * as given. Thread-safe.
 *
 * <pre>{@code
 * SignatureVerifiers offline = SignatureVerifiers.offline();   // for re-verifying a log
 * long counter = offline.verify(signature, key, statement);
 * }</pre>
 */
public final class SignatureVerifiers {
  private static final Logger LOG = LoggerFactory.getLogger(SignatureVerifiers.class);

  private final Map<ApprovalSignature.Kind, ApprovalSignatureVerifier> byKind = new EnumMap<>(ApprovalSignature.Kind.class);

  private SignatureVerifiers(Collection<? extends ApprovalSignatureVerifier> extra) {
    byKind.put(ApprovalSignature.Kind.ED25519, RawSignatureVerifier.ed25519());
    byKind.put(ApprovalSignature.Kind.ECDSA_P256, RawSignatureVerifier.ecdsaP256());
    for (ApprovalSignatureVerifier v : extra) {
      byKind.put(v.kind(), v);
    }
  }

  /** The raw verifiers plus {@code extra} (a later one replaces an earlier one of the same kind). */
  public static SignatureVerifiers of(Collection<? extends ApprovalSignatureVerifier> extra) {
    return new SignatureVerifiers(extra);
  }

  /**
   * The raw verifiers plus every {@link ApprovalSignatureVerifierProvider} on the class path or
   * module path, each created with no settings: for offline re-verification, where no origin is
   * configured (a WebAuthn verifier then checks the origin against the credential's RP id). A
   * provider that fails to load is logged and skipped.
   */
  public static SignatureVerifiers offline() {
    List<ApprovalSignatureVerifier> found = new ArrayList<>();
    ServiceLoader<ApprovalSignatureVerifierProvider> loader =
        ServiceLoader.load(ApprovalSignatureVerifierProvider.class, SignatureVerifiers.class.getClassLoader());
    var it = loader.iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        ApprovalSignatureVerifierProvider p = it.next();
        found.add(p.create(new ProviderContext(p.name(), Map.of(), Clock.systemUTC(), Path.of("").toAbsolutePath())));
      } catch (ServiceConfigurationError | RuntimeException e) {
        LOG.warn("an approval signature verifier could not be loaded: {}", e.toString());
      }
    }
    return new SignatureVerifiers(found);
  }

  /** Whether signatures of {@code kind} can be verified here. */
  public boolean supports(ApprovalSignature.Kind kind) {
    return byKind.containsKey(kind);
  }

  /**
   * Verifies with the verifier of the signature's kind.
   *
   * @return the signature counter the signature reports (0 if none)
   * @throws AccessDeniedException with the verifier's reason, or {@link ReasonCode#SIGNATURE_INVALID}
   *     if no verifier of that kind is present
   */
  public long verify(ApprovalSignature signature, CustodianKey key, ApprovalStatement statement) {
    ApprovalSignatureVerifier v = byKind.get(signature.kind());
    if (v == null) {
      throw new AccessDeniedException(ReasonCode.SIGNATURE_INVALID, "no verifier for " + signature.kind().label()
          + " signatures is configured (add breakglass-webauthn and set approval-signatures=webauthn)");
    }
    return v.verify(signature, key, statement);
  }
}

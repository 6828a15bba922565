package dev.breakglass.spi;

/**
 * Creates an {@link ApprovalSignatureVerifier}; found through {@link java.util.ServiceLoader} and
 * selected with the engine property {@code approval-signatures} (for example {@code webauthn}); its
 * settings sit under {@code approval-signature.<name>.} (for example
 * {@code approval-signature.webauthn.rp-id} and {@code approval-signature.webauthn.origins}).
 *
 * <p>Register it in {@code META-INF/services/dev.breakglass.spi.ApprovalSignatureVerifierProvider}
 * and with {@code provides} in {@code module-info.java}.
 */
public interface ApprovalSignatureVerifierProvider extends Provider<ApprovalSignatureVerifier> {}

package dev.breakglass.spi;

/**
 * Creates an {@link ApprovalSignatureVerifier}; implement it to let the engine verify a kind of
 * signature it does not verify itself. It is found through {@link java.util.ServiceLoader} and
 * selected with the engine property {@code approval-signatures} (for example {@code webauthn}); its
 * settings sit under {@code approval-signature.<name>.} (for example
 * {@code approval-signature.webauthn.rp-id} and {@code approval-signature.webauthn.origins}).
 *
 * <p>Register it in {@code META-INF/services/dev.breakglass.spi.ApprovalSignatureVerifierProvider}
 * and with {@code provides} in {@code module-info.java}.
 *
 * <pre>{@code
 * public final class MyVerifierProvider implements ApprovalSignatureVerifierProvider {
 *   public String name() { return "my-kind"; }
 *   public ApprovalSignatureVerifier create(ProviderContext context) {
 *     return new MyVerifier(context.require("trust-anchor"));
 *   }
 * }
 * }</pre>
 *
 * <p>Offline tools ({@code breakglass verify}) create every provider on the class or module path
 * with no settings at all, so {@link #create} should then return a verifier that checks what it can
 * without them (the WebAuthn one checks the origin against the credential's RP id) rather than throw.
 */
public interface ApprovalSignatureVerifierProvider extends Provider<ApprovalSignatureVerifier> {}

/**
 * WebAuthn/FIDO2 approvals for breakglass: custodians register a security key or passkey, and
 * approve by touching it. Verifies registrations and the assertions that sign approvals with
 * webauthn4j, as an {@link dev.breakglass.spi.ApprovalSignatureVerifier} for the engine (property
 * {@code approval-signatures=webauthn}) and for offline re-verification.
 */
module dev.breakglass.webauthn {
  requires transitive dev.breakglass.spi;
  requires static org.jspecify;
  requires com.webauthn4j.core;
  requires tools.jackson.databind;
  requires tools.jackson.dataformat.cbor;

  exports dev.breakglass.webauthn;

  provides dev.breakglass.spi.ApprovalSignatureVerifierProvider with dev.breakglass.webauthn.WebAuthnVerifierProvider;
}

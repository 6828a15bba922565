/**
 * WebAuthn approvals: {@link dev.breakglass.webauthn.WebAuthnRegistration} checks a new credential
 * and turns it into a {@link dev.breakglass.CustodianKey}; {@link
 * dev.breakglass.webauthn.WebAuthnSignatureVerifier} checks the assertion that signs an approval.
 */
@NullMarked
package dev.breakglass.webauthn;

import org.jspecify.annotations.NullMarked;

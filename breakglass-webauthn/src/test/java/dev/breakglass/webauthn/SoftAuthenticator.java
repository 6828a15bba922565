package dev.breakglass.webauthn;

import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * A FIDO2 authenticator for tests: a P-256 key pair and a counter, producing registrations and
 * assertions exactly as a browser hands them over (client data JSON, authenticator data, DER
 * signature), with webauthn4j's own encoders for the CBOR parts. Tests vary the origin, the RP id
 * and the counter to provoke each refusal; a copy of one is a cloned authenticator.
 */
final class SoftAuthenticator {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  final KeyPair pair;
  final byte[] credentialId = new byte[16];
  long counter;

  SoftAuthenticator() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      pair = g.generateKeyPair();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    new SecureRandom().nextBytes(credentialId);
  }

  String credentialIdBase64() {
    return B64.encodeToString(credentialId);
  }

  record Registration(byte[] attestationObject, byte[] clientDataJson) {}

  Registration register(byte[] challenge, String origin, String rpId) {
    byte[] clientData = clientData("webauthn.create", challenge, origin);
    AttestedCredentialData credential = new AttestedCredentialData(AAGUID.ZERO, credentialId,
        EC2COSEKey.create((ECPublicKey) pair.getPublic(), COSEAlgorithmIdentifier.ES256));
    AuthenticatorData<RegistrationExtensionAuthenticatorOutput> data = new AuthenticatorData<>(sha256(rpId),
        (byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV | AuthenticatorData.BIT_AT), counter, credential);
    byte[] attestation = new AttestationObjectConverter(WebAuthnCredentials.CONVERTER)
        .convertToBytes(new AttestationObject(data, new NoneAttestationStatement()));
    return new Registration(attestation, clientData);
  }

  /** An assertion over {@code statement} at {@code origin}, the counter first advanced by one. */
  ApprovalSignature sign(ApprovalStatement statement, String origin, String rpId) {
    counter++;
    return signWith(statement.webAuthnChallenge(), statement, origin, rpId, counter);
  }

  ApprovalSignature signWith(byte[] challenge, ApprovalStatement statement, String origin, String rpId, long count) {
    byte[] clientData = clientData("webauthn.get", challenge, origin);
    byte[] authData = new AuthenticatorDataConverter(WebAuthnCredentials.CONVERTER).convert(
        new AuthenticatorData<>(sha256(rpId), (byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV), count));
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(pair.getPrivate());
      s.update(ByteBuffer.allocate(authData.length + 32).put(authData).put(sha256(clientData)).array());
      return ApprovalSignature.webAuthn(credentialIdBase64(), statement.signedAt(), authData, clientData, s.sign());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] clientData(String type, byte[] challenge, String origin) {
    return ("{\"type\":\"" + type + "\",\"challenge\":\"" + B64.encodeToString(challenge) + "\",\"origin\":\"" + origin
        + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
  }

  static byte[] sha256(String s) {
    return sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

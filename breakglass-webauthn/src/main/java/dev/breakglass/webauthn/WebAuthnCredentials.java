package dev.breakglass.webauthn;

import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The COSE_Key bytes a {@link dev.breakglass.CustodianKey} keeps, to and from webauthn4j's types,
 * through webauthn4j's own converter (the attested-credential-data layout: AAGUID, id length, id,
 * COSE key), so no CBOR is written by hand.
 */
final class WebAuthnCredentials {
  static final ObjectConverter CONVERTER = new ObjectConverter();
  private static final AttestedCredentialDataConverter ATTESTED = new AttestedCredentialDataConverter(CONVERTER);

  private WebAuthnCredentials() {}

  /** The COSE_Key bytes of a credential. */
  static byte[] coseKey(AttestedCredentialData data) {
    byte[] all = ATTESTED.convert(data);
    int offset = 16 + 2 + data.getCredentialId().length;
    return Arrays.copyOfRange(all, offset, all.length);
  }

  /** The credential with {@code credentialId} and the stored COSE_Key. */
  static AttestedCredentialData credential(byte[] credentialId, byte[] coseKey) {
    ByteBuffer b = ByteBuffer.allocate(16 + 2 + credentialId.length + coseKey.length);
    b.put(new byte[16]).putShort((short) credentialId.length).put(credentialId).put(coseKey);
    AttestedCredentialData parsed = ATTESTED.convert(b.array());
    return new AttestedCredentialData(AAGUID.ZERO, parsed.getCredentialId(), parsed.getCOSEKey());
  }

  /** The public key of a stored COSE_Key. */
  static COSEKey key(byte[] credentialId, byte[] coseKey) {
    return credential(credentialId, coseKey).getCOSEKey();
  }
}

package dev.breakglass.console;

import dev.breakglass.CustodianKey;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;

/**
 * A P-256 security key for tests that talk to the console's JSON endpoints without a browser: it
 * answers a challenge exactly as a browser hands an assertion over (client data JSON, authenticator
 * data, DER signature), and tests vary the origin and the counter to provoke refusals.
 */
final class SoftKey {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  final KeyPair pair;
  final byte[] credentialId = new byte[16];
  long counter;

  SoftKey() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    pair = g.generateKeyPair();
    new SecureRandom().nextBytes(credentialId);
  }

  String id() {
    return B64.encodeToString(credentialId);
  }

  /** The key to register: its COSE_Key is {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}. */
  CustodianKey custodianKey(String custodian, String rpId) {
    ECPublicKey pub = (ECPublicKey) pair.getPublic();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20});
    out.writeBytes(fixed(pub.getW().getAffineX()));
    out.writeBytes(new byte[] {0x22, 0x58, 0x20});
    out.writeBytes(fixed(pub.getW().getAffineY()));
    return CustodianKey.webAuthn(custodian, id(), out.toByteArray(), rpId, 0, custodian + "'s key");
  }

  /** The JSON answer to {@code challenge} at {@code origin}, the counter first advanced by one. */
  Map<String, String> answer(String challenge, String origin, String rpId) throws GeneralSecurityException {
    return answer(challenge, origin, rpId, ++counter);
  }

  Map<String, String> answer(String challenge, String origin, String rpId, long count)
      throws GeneralSecurityException {
    byte[] clientData = ("{\"type\":\"webauthn.get\",\"challenge\":\"" + challenge + "\",\"origin\":\"" + origin
        + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
    byte[] authData = ByteBuffer.allocate(37).put(sha256(rpId.getBytes(StandardCharsets.UTF_8)))
        .put((byte) 0x05).putInt((int) count).array();
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(pair.getPrivate());
    s.update(authData);
    s.update(sha256(clientData));
    return Map.of("credentialId", id(), "authenticatorData", B64.encodeToString(authData),
        "clientDataJSON", B64.encodeToString(clientData), "signature", B64.encodeToString(s.sign()));
  }

  private static byte[] sha256(byte[] b) throws GeneralSecurityException {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  private static byte[] fixed(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(32, b.length);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return out;
  }
}

package dev.breakglass.core.vault;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The primitives the vaults use, all from Bouncy Castle: AES-256-GCM, Argon2id, HKDF-SHA256 and
 * HMAC-SHA256, plus UTF-8 conversions of secrets that leave no unwiped copy behind. Thread-safe.
 */
final class VaultCrypto {
  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;
  static final int SALT_BYTES = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  private VaultCrypto() {}

  /** Thrown when an AEAD tag does not verify: wrong key, or the data or its binding was altered. */
  static final class AuthenticationFailed extends Exception {
    private static final long serialVersionUID = 1L;

    AuthenticationFailed() {
      super("authentication tag mismatch", null, false, false);
    }
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static SecureRandom random() {
    return RANDOM;
  }

  /** AES-256-GCM encryption; returns ciphertext followed by the 16-byte tag. */
  static byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) {
    KeyParameter kp = new KeyParameter(key);
    try {
      GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
      gcm.init(true, new AEADParameters(kp, TAG_BITS, nonce, aad));
      byte[] out = new byte[gcm.getOutputSize(plaintext.length)];
      int n = gcm.processBytes(plaintext, 0, plaintext.length, out, 0);
      gcm.doFinal(out, n);
      return out;
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    } finally {
      Arrays.fill(kp.getKey(), (byte) 0);
    }
  }

  /** AES-256-GCM decryption of {@link #seal}'s output. The caller wipes the result. */
  static byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] sealed) throws AuthenticationFailed {
    if (nonce.length != NONCE_BYTES || sealed.length < TAG_BITS / 8) {
      throw new AuthenticationFailed();
    }
    KeyParameter kp = new KeyParameter(key);
    byte[] out = null;
    try {
      GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
      gcm.init(false, new AEADParameters(kp, TAG_BITS, nonce, aad));
      out = new byte[gcm.getOutputSize(sealed.length)];
      int n = gcm.processBytes(sealed, 0, sealed.length, out, 0);
      n += gcm.doFinal(out, n);
      if (n != out.length) {
        byte[] exact = Arrays.copyOf(out, n);
        Arrays.fill(out, (byte) 0);
        out = exact;
      }
      return out;
    } catch (InvalidCipherTextException e) {
      if (out != null) {
        Arrays.fill(out, (byte) 0);
      }
      throw new AuthenticationFailed();
    } finally {
      Arrays.fill(kp.getKey(), (byte) 0);
    }
  }

  /** Argon2id of the UTF-8 bytes of {@code passphrase}; the caller wipes the 32-byte result. */
  static byte[] argon2id(char[] passphrase, byte[] salt, Argon2Parameters params) {
    return params.derive(passphrase, salt, KEY_BYTES);
  }

  /** HKDF-SHA256; the caller wipes the result. */
  static byte[] hkdf(byte[] ikm, byte[] salt, String info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(SHA256Digest.newInstance());
    generator.init(new HKDFParameters(ikm, salt, info.getBytes(StandardCharsets.UTF_8)));
    byte[] out = new byte[length];
    generator.generateBytes(out, 0, length);
    return out;
  }

  static byte[] hmacSha256(byte[] key, byte[] data) {
    HMac mac = new HMac(SHA256Digest.newInstance());
    KeyParameter kp = new KeyParameter(key);
    try {
      mac.init(kp);
      mac.update(data, 0, data.length);
      byte[] out = new byte[mac.getMacSize()];
      mac.doFinal(out, 0);
      return out;
    } finally {
      Arrays.fill(kp.getKey(), (byte) 0);
      mac.reset();
    }
  }

  static byte[] sha256(byte[] data) {
    SHA256Digest d = new SHA256Digest();
    d.update(data, 0, data.length);
    byte[] out = new byte[d.getDigestSize()];
    d.doFinal(out, 0);
    return out;
  }

  static boolean constantTimeEquals(byte[] a, byte[] b) {
    return org.bouncycastle.util.Arrays.constantTimeAreEqual(a, b);
  }

  /** UTF-8 bytes of {@code chars} without an intermediate String; the caller wipes the result. */
  static byte[] utf8(char[] chars) {
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    // Sized for the worst case so the encoder never reallocates and leaves an unwiped copy.
    byte[] buffer = new byte[chars.length * 3];
    try {
      ByteBuffer out = ByteBuffer.wrap(buffer);
      CoderResult result = encoder.encode(CharBuffer.wrap(chars), out, true);
      if (!result.isUnderflow() || !encoder.flush(out).isUnderflow()) {
        throw new IllegalArgumentException("secret is not valid UTF-16 (unpaired surrogate)");
      }
      return Arrays.copyOf(buffer, out.position());
    } finally {
      Arrays.fill(buffer, (byte) 0);
    }
  }

  /**
   * Decodes UTF-8 into a new {@code char[]} without an intermediate String; the caller wipes the
   * result.
   *
   * @throws IllegalArgumentException if the bytes are not valid UTF-8 (the message has no content)
   */
  static char[] chars(byte[] utf8) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    char[] buffer = new char[utf8.length];
    try {
      CharBuffer out = CharBuffer.wrap(buffer);
      CoderResult result = decoder.decode(ByteBuffer.wrap(utf8), out, true);
      if (!result.isUnderflow() || !decoder.flush(out).isUnderflow()) {
        throw new IllegalArgumentException("secret is not valid UTF-8");
      }
      return Arrays.copyOf(buffer, out.position());
    } finally {
      Arrays.fill(buffer, '\0');
    }
  }

  static void wipe(byte[]... arrays) {
    for (byte[] a : arrays) {
      if (a != null) {
        Arrays.fill(a, (byte) 0);
      }
    }
  }
}

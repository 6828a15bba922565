package dev.breakglass.core.internal;

import dev.breakglass.core.audit.Fingerprinter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Keyed digests of released credentials, by grant, so an emergency login is checked without
 * unsealing the vault again. The key is random per engine and never leaves memory: these digests
 * are not audit fingerprints and cannot be compared with anything outside this instance.
 * Thread-safe.
 */
final class LoginDigests {
  private final Fingerprinter verifier;
  private final ConcurrentHashMap<String, byte[]> digests = new ConcurrentHashMap<>();

  LoginDigests() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.verifier = new Fingerprinter(key);
    Arrays.fill(key, (byte) 0);
  }

  /** Remembers the digest of the credential released for {@code grantId}. */
  void remember(String grantId, char[] secret) {
    digests.put(grantId, digestOf(secret));
  }

  /**
   * Whether {@code presented} is the credential released for {@code grantId}, compared in constant
   * time; {@code null} if this instance released nothing for it.
   */
  @Nullable Boolean matches(String grantId, char[] presented) {
    byte[] expected = digests.get(grantId);
    return expected == null ? null : MessageDigest.isEqual(expected, digestOf(presented));
  }

  void forget(String grantId) {
    digests.remove(grantId);
  }

  void forgetAll() {
    digests.clear();
  }

  private byte[] digestOf(char[] secret) {
    return verifier.fingerprint(secret).getBytes(StandardCharsets.US_ASCII);
  }
}

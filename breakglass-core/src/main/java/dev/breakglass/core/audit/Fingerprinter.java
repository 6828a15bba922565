package dev.breakglass.core.audit;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Keyed fingerprints (HMAC-SHA256) of sensitive values that are not secrets but should not sit in
 * the audit log in clear text: identification evidence, client addresses, ticket text. A reviewer
 * who holds the key and a candidate value can compute its fingerprint and match it to the log.
 *
 * <p>Fingerprints look like {@code hmac-sha256:<first 32 hex digits>}. Thread-safe.
 */
public final class Fingerprinter {
  /** Prefix of every fingerprint. */
  public static final String PREFIX = "hmac-sha256:";

  private final byte[] key;

  /** @param key at least 32 bytes; copied */
  public Fingerprinter(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < 32) {
      throw new IllegalArgumentException("fingerprint key must be at least 32 bytes, was " + key.length);
    }
    this.key = key.clone();
  }

  /** The fingerprint of {@code value}. */
  public String fingerprint(String value) {
    return fingerprint(value.getBytes(StandardCharsets.UTF_8));
  }

  /** The fingerprint of a secret held in a {@code char[]}, without making a {@code String} of it. */
  public String fingerprint(char[] value) {
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(value));
    byte[] bytes = new byte[bb.remaining()];
    bb.get(bytes);
    try {
      return fingerprint(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (bb.hasArray()) {
        Arrays.fill(bb.array(), (byte) 0);
      }
    }
  }

  /** The fingerprint of raw bytes. */
  public String fingerprint(byte[] value) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    mac.update(value, 0, value.length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return PREFIX + HexFormat.of().formatHex(out, 0, 16);
  }

  @Override
  public String toString() {
    return "Fingerprinter[key=<redacted>]";
  }
}

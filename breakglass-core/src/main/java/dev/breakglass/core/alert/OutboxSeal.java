package dev.breakglass.core.alert;

import dev.breakglass.spi.SecretFiles;
import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates outbox lines, so that a line written into the outbox by someone who can write the
 * directory but cannot read the key is refused instead of delivered. A sealed line is
 * {@code m1:<base64 HMAC-SHA256 of the JSON> <JSON>}. The MAC key is derived with HKDF-SHA256 under
 * a purpose label from 32 random bytes kept in a key file ({@code <data>/keys/alert-outbox.key} by
 * default), created owner-only on first use and refused if others may read it. Thread-safe.
 */
final class OutboxSeal {
  /** The key file's name in the data directory's {@code keys/} directory. */
  static final String KEY_FILE = "alert-outbox.key";

  private static final String PREFIX = "m1:";
  private static final int MAC_B64 = 44;
  private static final byte[] LABEL = "breakglass alert outbox v1: line MAC".getBytes(StandardCharsets.US_ASCII);

  private final byte[] macKey;

  private OutboxSeal(byte[] macKey) {
    this.macKey = macKey;
  }

  /**
   * The seal whose key is kept in {@code keyFile}; 32 random bytes are written there first
   * (owner-only) if the file does not exist.
   *
   * @throws IllegalArgumentException if the file may be read by others or is not 32 bytes
   * @throws UncheckedIOException if the file cannot be read or written
   */
  static OutboxSeal loadOrCreate(Path keyFile) {
    byte[] stored = null;
    try {
      if (!Files.exists(keyFile)) {
        stored = new byte[32];
        new SecureRandom().nextBytes(stored);
        DurableFiles.write(keyFile, stored);
      } else {
        SecretFiles.checkOwnerOnly(keyFile, "alert outbox key");
        stored = Files.readAllBytes(keyFile);
        if (stored.length != 32) {
          throw new IllegalArgumentException("the alert outbox key file " + keyFile + " must hold 32 bytes, holds "
              + stored.length + "; restore it from backup, or move it and the outbox directory aside");
        }
      }
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
      hkdf.init(new HKDFParameters(stored, null, LABEL));
      byte[] key = new byte[32];
      hkdf.generateBytes(key, 0, key.length);
      return new OutboxSeal(key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the alert outbox key " + keyFile + ": " + e.getMessage(), e);
    } finally {
      if (stored != null) {
        Arrays.fill(stored, (byte) 0);
      }
    }
  }

  /** {@code json} as a sealed line (without the line break). */
  byte[] seal(byte[] json) {
    byte[] mac = Base64.getEncoder().encode(mac(json));
    byte[] line = new byte[PREFIX.length() + mac.length + 1 + json.length];
    int at = 0;
    for (int i = 0; i < PREFIX.length(); i++) {
      line[at++] = (byte) PREFIX.charAt(i);
    }
    System.arraycopy(mac, 0, line, at, mac.length);
    at += mac.length;
    line[at++] = ' ';
    System.arraycopy(json, 0, line, at, json.length);
    return line;
  }

  /**
   * The JSON of a sealed line whose MAC is valid, or {@code null} if the line has no MAC (written
   * without the key, or by a version that did not seal lines) or a MAC that does not match.
   */
  @Nullable String open(String line) {
    if (!line.startsWith(PREFIX) || line.length() < PREFIX.length() + MAC_B64 + 1
        || line.charAt(PREFIX.length() + MAC_B64) != ' ') {
      return null;
    }
    byte[] claimed;
    try {
      claimed = Base64.getDecoder().decode(line.substring(PREFIX.length(), PREFIX.length() + MAC_B64));
    } catch (IllegalArgumentException e) {
      return null;
    }
    String json = line.substring(PREFIX.length() + MAC_B64 + 1);
    byte[] actual = mac(json.getBytes(StandardCharsets.UTF_8));
    return org.bouncycastle.util.Arrays.constantTimeAreEqual(claimed, actual) ? json : null;
  }

  private byte[] mac(byte[] data) {
    HMac hmac = new HMac(new SHA256Digest());
    hmac.init(new KeyParameter(macKey));
    hmac.update(data, 0, data.length);
    byte[] out = new byte[hmac.getMacSize()];
    hmac.doFinal(out, 0);
    return out;
  }

  @Override
  public String toString() {
    return "OutboxSeal[HMAC-SHA256]";
  }
}

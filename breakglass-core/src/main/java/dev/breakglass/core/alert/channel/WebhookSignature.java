package dev.breakglass.core.alert.channel;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature scheme shared by {@link WebhookAlertChannel} and
 * {@link WebhookSignatureVerifier}: {@code v1=} followed by the lower-case hex HMAC-SHA256, under the
 * shared key, of the ASCII decimal Unix timestamp (seconds), a full stop, and the exact body bytes.
 * Signing the timestamp with the body lets receivers reject replays of old requests.
 */
final class WebhookSignature {
  static final String ALGORITHM = "HmacSHA256";
  static final String VERSION = "v1";

  private WebhookSignature() {}

  /** Minimum key length in bytes: the HMAC-SHA256 output size. */
  static final int MIN_KEY_BYTES = 32;

  static byte[] mac(SecretKeySpec key, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      mac.update(body);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
    }
  }

  static String header(SecretKeySpec key, String timestamp, byte[] body) {
    return VERSION + "=" + HexFormat.of().formatHex(mac(key, timestamp, body));
  }
}

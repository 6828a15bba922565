package dev.breakglass.core.alert.channel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Checks the signature that {@link WebhookAlertChannel} puts on each request, for use by the service
 * that receives breakglass webhooks. A request is accepted only if its
 * {@value WebhookAlertChannel#TIMESTAMP_HEADER} is within the tolerance of the receiver's clock (in
 * either direction, default 5 minutes) and one of the {@code v1=} signatures in
 * {@value WebhookAlertChannel#SIGNATURE_HEADER} matches the HMAC-SHA256 of
 * {@code timestamp + "." + body} under the shared key. Signatures are compared in constant time.
 *
 * <pre>{@code
 * WebhookSignatureVerifier verifier = WebhookSignatureVerifier.builder(sharedKey).build();
 * verifier.verify(request.header("X-Breakglass-Timestamp"), request.header("X-Breakglass-Signature"),
 *     request.bodyBytes());                      // throws WebhookSignatureException if forged or stale
 * }</pre>
 *
 * <p>Verify the raw body bytes before parsing them. The timestamp window limits replays; to reject
 * a replay inside the window, also de-duplicate on the alert id ({@value WebhookAlertChannel#ALERT_ID_HEADER}),
 * which the sender keeps the same across retries.
 *
 * <p>Immutable and thread-safe.
 */
public final class WebhookSignatureVerifier {
  private final SecretKeySpec key;
  private final Duration tolerance;
  private final Clock clock;

  private WebhookSignatureVerifier(SecretKeySpec key, Duration tolerance, Clock clock) {
    this.key = key;
    this.tolerance = tolerance;
    this.clock = clock;
  }

  /**
   * A builder for a verifier with the shared key (copied; the caller may wipe its array afterwards).
   *
   * @throws IllegalArgumentException if the key is shorter than 32 bytes
   */
  public static Builder builder(byte[] key) {
    return new Builder(key);
  }

  /**
   * Checks one request.
   *
   * @param timestampHeader the value of {@value WebhookAlertChannel#TIMESTAMP_HEADER}, or null if absent
   * @param signatureHeader the value of {@value WebhookAlertChannel#SIGNATURE_HEADER}, or null if absent
   * @param body the raw request body, exactly as received
   * @throws WebhookSignatureException if the request must be rejected, with the reason
   */
  public void verify(@Nullable String timestampHeader, @Nullable String signatureHeader, byte[] body) {
    Objects.requireNonNull(body, "body");
    if (timestampHeader == null || signatureHeader == null) {
      throw new WebhookSignatureException(WebhookSignatureException.Reason.MISSING_HEADER,
          "webhook request lacks the " + (timestampHeader == null ? WebhookAlertChannel.TIMESTAMP_HEADER
              : WebhookAlertChannel.SIGNATURE_HEADER) + " header");
    }
    String ts = timestampHeader.strip();
    if (!ts.matches("\\d{1,12}")) {
      throw new WebhookSignatureException(WebhookSignatureException.Reason.MALFORMED_HEADER,
          WebhookAlertChannel.TIMESTAMP_HEADER + " is not a Unix time in seconds");
    }
    Instant signedAt = Instant.ofEpochSecond(Long.parseLong(ts));
    Duration skew = Duration.between(signedAt, clock.instant()).abs();
    if (skew.compareTo(tolerance) > 0) {
      throw new WebhookSignatureException(WebhookSignatureException.Reason.TIMESTAMP_OUT_OF_TOLERANCE,
          "webhook timestamp is " + skew.getSeconds() + " s away from this receiver's clock (tolerance "
              + tolerance.getSeconds() + " s)");
    }
    byte[] expected = WebhookSignature.mac(key, ts, body);
    boolean anyWellFormed = false;
    boolean match = false;
    for (String part : signatureHeader.split(",")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq < 0 || !p.substring(0, eq).equals(WebhookSignature.VERSION)) {
        continue;
      }
      byte[] given;
      try {
        given = HexFormat.of().parseHex(p.substring(eq + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      anyWellFormed = true;
      // Constant-time: how much of a guess matches must not show in the time the check takes.
      match |= org.bouncycastle.util.Arrays.constantTimeAreEqual(expected, given);
    }
    Arrays.fill(expected, (byte) 0);
    if (!anyWellFormed) {
      throw new WebhookSignatureException(WebhookSignatureException.Reason.MALFORMED_HEADER,
          WebhookAlertChannel.SIGNATURE_HEADER + " holds no '" + WebhookSignature.VERSION + "=<hex>' signature");
    }
    if (!match) {
      throw new WebhookSignatureException(WebhookSignatureException.Reason.SIGNATURE_MISMATCH,
          "webhook signature does not match the body and timestamp under this receiver's key");
    }
  }

  /** Like {@link #verify} but answers instead of throwing. */
  public boolean isValid(@Nullable String timestampHeader, @Nullable String signatureHeader, byte[] body) {
    try {
      verify(timestampHeader, signatureHeader, body);
      return true;
    } catch (WebhookSignatureException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "WebhookSignatureVerifier[tolerance=" + tolerance + "]";
  }

  /** Configures a {@link WebhookSignatureVerifier}. Not thread-safe. */
  public static final class Builder {
    private final SecretKeySpec key;
    private Duration tolerance = Duration.ofMinutes(5);
    private Clock clock = Clock.systemUTC();

    private Builder(byte[] key) {
      Objects.requireNonNull(key, "key");
      if (key.length < WebhookSignature.MIN_KEY_BYTES) {
        throw new IllegalArgumentException("webhook signing key must be at least " + WebhookSignature.MIN_KEY_BYTES
            + " bytes, was " + key.length);
      }
      this.key = new SecretKeySpec(key, WebhookSignature.ALGORITHM);
    }

    /** How far the signed timestamp may be from the receiver's clock, either way. Default 5 minutes. */
    public Builder tolerance(Duration tolerance) {
      if (tolerance == null || tolerance.isNegative() || tolerance.isZero()) {
        throw new IllegalArgumentException("tolerance must be positive, was " + tolerance);
      }
      this.tolerance = tolerance;
      return this;
    }

    /** The receiver's clock. Default: UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public WebhookSignatureVerifier build() {
      return new WebhookSignatureVerifier(key, tolerance, clock);
    }
  }
}

package dev.breakglass.core.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.core.alert.channel.WebhookSignatureException.Reason;
import dev.breakglass.tck.fixtures.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** {@link WebhookSignatureVerifier}: what a receiver accepts and what it rejects, and why. */
class WebhookSignatureVerifierTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef-key".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OTHER_KEY = "fedcba9876543210fedcba9876543210-key".getBytes(StandardCharsets.US_ASCII);
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final byte[] BODY = "{\"id\":\"a-1\",\"severity\":\"CRITICAL\"}".getBytes(StandardCharsets.UTF_8);

  private final MutableClock clock = new MutableClock(NOW);
  private final WebhookSignatureVerifier verifier = WebhookSignatureVerifier.builder(KEY).clock(clock).build();

  private static String sign(byte[] key, long timestamp, byte[] body) {
    return WebhookSignature.header(new SecretKeySpec(key, "HmacSHA256"), Long.toString(timestamp), body);
  }

  private static Reason reasonOf(Runnable r) {
    try {
      r.run();
    } catch (WebhookSignatureException e) {
      return e.reason();
    }
    throw new AssertionError("expected a WebhookSignatureException");
  }

  @Test
  void genuineRequestIsAccepted() {
    long ts = NOW.getEpochSecond();
    verifier.verify(Long.toString(ts), sign(KEY, ts, BODY), BODY);
    assertThat(verifier.isValid(Long.toString(ts), sign(KEY, ts, BODY), BODY)).isTrue();
  }

  @Test
  void tamperedBodyIsRejected() {
    long ts = NOW.getEpochSecond();
    byte[] tampered = BODY.clone();
    tampered[tampered.length - 3] ^= 1;
    assertThat(reasonOf(() -> verifier.verify(Long.toString(ts), sign(KEY, ts, BODY), tampered)))
        .isEqualTo(Reason.SIGNATURE_MISMATCH);
  }

  @Test
  void signatureUnderAnotherKeyIsRejected() {
    long ts = NOW.getEpochSecond();
    assertThat(reasonOf(() -> verifier.verify(Long.toString(ts), sign(OTHER_KEY, ts, BODY), BODY)))
        .isEqualTo(Reason.SIGNATURE_MISMATCH);
  }

  @Test
  void timestampMovedToRefreshAnOldSignatureIsRejected() {
    long signedAt = NOW.getEpochSecond() - 3600;
    assertThat(reasonOf(() -> verifier.verify(Long.toString(NOW.getEpochSecond()), sign(KEY, signedAt, BODY), BODY)))
        .isEqualTo(Reason.SIGNATURE_MISMATCH);
  }

  @Test
  void oldTimestampIsRejectedEvenWithAValidSignature() {
    long old = NOW.getEpochSecond() - Duration.ofMinutes(6).getSeconds();
    assertThat(reasonOf(() -> verifier.verify(Long.toString(old), sign(KEY, old, BODY), BODY)))
        .isEqualTo(Reason.TIMESTAMP_OUT_OF_TOLERANCE);
  }

  @Test
  void timestampFromTheFutureBeyondToleranceIsRejected() {
    long future = NOW.getEpochSecond() + Duration.ofMinutes(6).getSeconds();
    assertThat(reasonOf(() -> verifier.verify(Long.toString(future), sign(KEY, future, BODY), BODY)))
        .isEqualTo(Reason.TIMESTAMP_OUT_OF_TOLERANCE);
  }

  @Test
  void toleranceIsConfigurableAndInclusive() {
    WebhookSignatureVerifier strict = WebhookSignatureVerifier.builder(KEY).clock(clock)
        .tolerance(Duration.ofSeconds(30)).build();
    long edge = NOW.getEpochSecond() - 30;
    long past = NOW.getEpochSecond() - 31;
    assertThat(strict.isValid(Long.toString(edge), sign(KEY, edge, BODY), BODY)).isTrue();
    assertThat(strict.isValid(Long.toString(past), sign(KEY, past, BODY), BODY)).isFalse();
  }

  @Test
  void missingAndMalformedHeadersAreNamed() {
    long ts = NOW.getEpochSecond();
    assertThat(reasonOf(() -> verifier.verify(null, sign(KEY, ts, BODY), BODY))).isEqualTo(Reason.MISSING_HEADER);
    assertThat(reasonOf(() -> verifier.verify(Long.toString(ts), null, BODY))).isEqualTo(Reason.MISSING_HEADER);
    assertThat(reasonOf(() -> verifier.verify("yesterday", sign(KEY, ts, BODY), BODY)))
        .isEqualTo(Reason.MALFORMED_HEADER);
    assertThat(reasonOf(() -> verifier.verify(Long.toString(ts), "v1=not-hex", BODY)))
        .isEqualTo(Reason.MALFORMED_HEADER);
    assertThat(reasonOf(() -> verifier.verify(Long.toString(ts), "v0=" + sign(KEY, ts, BODY).substring(3), BODY)))
        .isEqualTo(Reason.MALFORMED_HEADER);
  }

  @Test
  void anyOfSeveralSignaturesMayMatchSoKeysCanBeRotated() {
    long ts = NOW.getEpochSecond();
    String both = sign(OTHER_KEY, ts, BODY) + ", " + sign(KEY, ts, BODY);
    assertThat(verifier.isValid(Long.toString(ts), both, BODY)).isTrue();
  }

  @Test
  void rejectionMessagesDoNotRevealTheExpectedSignature() {
    long ts = NOW.getEpochSecond();
    String expected = sign(KEY, ts, BODY);
    assertThatThrownBy(() -> verifier.verify(Long.toString(ts), sign(OTHER_KEY, ts, BODY), BODY))
        .hasMessageNotContaining(expected.substring(3))
        .hasMessageNotContaining(new String(KEY, StandardCharsets.US_ASCII));
    assertThat(verifier.toString()).doesNotContain(new String(KEY, StandardCharsets.US_ASCII));
  }

  @Test
  void shortKeyIsRefused() {
    assertThatThrownBy(() -> WebhookSignatureVerifier.builder(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
  }

  @Test
  void signature_isHmacSha256OfTimestampDotBody() throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    byte[] expected = mac.doFinal(("1772359200." + new String(BODY, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8));

    assertThat(sign(KEY, 1772359200L, BODY)).isEqualTo("v1=" + java.util.HexFormat.of().formatHex(expected));
  }

  @Test
  void missingHeaderMessages_nameTheHeaderThatIsMissing() {
    long ts = NOW.getEpochSecond();
    assertThatThrownBy(() -> verifier.verify(null, sign(KEY, ts, BODY), BODY))
        .hasMessage("webhook request lacks the " + WebhookAlertChannel.TIMESTAMP_HEADER + " header");
    assertThatThrownBy(() -> verifier.verify(Long.toString(ts), null, BODY))
        .hasMessage("webhook request lacks the " + WebhookAlertChannel.SIGNATURE_HEADER + " header");
  }

  @Test
  void aKeyOfExactly32Bytes_isEnough() {
    byte[] key = new byte[32];
    long ts = NOW.getEpochSecond();

    assertThat(WebhookSignatureVerifier.builder(key).clock(clock).build().isValid(Long.toString(ts),
        sign(key, ts, BODY), BODY)).isTrue();
  }

  @Test
  void toString_showsTheTolerance() {
    assertThat(verifier.toString()).isEqualTo("WebhookSignatureVerifier[tolerance=PT5M]");
  }
}

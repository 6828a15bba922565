package dev.breakglass.core.alert.channel;

import static dev.breakglass.core.alert.channel.TestSupport.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertDeliveryException;
import dev.breakglass.spi.Severity;
import dev.breakglass.tck.fixtures.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@link WebhookAlertChannel} against a real HTTP receiver: signatures, payload shapes, answers. */
class WebhookAlertChannelTest {
  private static final byte[] KEY = "a-webhook-signing-key-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private WebhookReceiver receiver;

  @BeforeEach
  void start() throws Exception {
    receiver = WebhookReceiver.start();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private WebhookAlertChannel.Builder channel() {
    return WebhookAlertChannel.builder(receiver.uri()).signingKey(KEY);
  }

  private static JsonNode json(WebhookReceiver.Request r) {
    return JSON.readTree(r.body());
  }

  @Test
  void signatureVerifiesOnTheReceivingSide() throws Exception {
    Alert a = alert(Severity.CRITICAL);
    try (WebhookAlertChannel c = channel().build()) {
      c.deliver(a);
    }
    WebhookReceiver.Request r = receiver.requests().get(0);
    WebhookSignatureVerifier verifier = WebhookSignatureVerifier.builder(KEY).build();
    verifier.verify(r.header(WebhookAlertChannel.TIMESTAMP_HEADER), r.header(WebhookAlertChannel.SIGNATURE_HEADER),
        r.body());
    assertThat(r.header(WebhookAlertChannel.SIGNATURE_HEADER)).matches("v1=[0-9a-f]{64}");
    byte[] tampered = r.bodyText().replace("CRITICAL", "INFO").getBytes(StandardCharsets.UTF_8);
    assertThat(verifier.isValid(r.header(WebhookAlertChannel.TIMESTAMP_HEADER),
        r.header(WebhookAlertChannel.SIGNATURE_HEADER), tampered)).isFalse();
  }

  @Test
  void replayedRequestIsRejectedOnceOutsideTheWindow() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    try (WebhookAlertChannel c = channel().clock(clock).build()) {
      c.deliver(alert(Severity.HIGH));
    }
    WebhookReceiver.Request r = receiver.requests().get(0);
    assertThat(r.header(WebhookAlertChannel.TIMESTAMP_HEADER)).isEqualTo("1772359200");
    MutableClock receiverClock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    WebhookSignatureVerifier verifier = WebhookSignatureVerifier.builder(KEY).clock(receiverClock).build();
    String ts = r.header(WebhookAlertChannel.TIMESTAMP_HEADER);
    String sig = r.header(WebhookAlertChannel.SIGNATURE_HEADER);
    assertThat(verifier.isValid(ts, sig, r.body())).isTrue();
    receiverClock.advance(Duration.ofMinutes(10));
    assertThatThrownBy(() -> verifier.verify(ts, sig, r.body()))
        .isInstanceOf(WebhookSignatureException.class)
        .satisfies(e -> assertThat(((WebhookSignatureException) e).reason())
            .isEqualTo(WebhookSignatureException.Reason.TIMESTAMP_OUT_OF_TOLERANCE));
  }

  @Test
  void genericPayloadCarriesEveryField() throws Exception {
    Alert a = alert(Severity.HIGH);
    try (WebhookAlertChannel c = channel().build()) {
      c.deliver(a);
    }
    WebhookReceiver.Request r = receiver.requests().get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.header("Idempotency-Key")).isEqualTo(a.id());
    JsonNode n = json(r);
    assertThat(n.get("id").asString()).isEqualTo(a.id());
    assertThat(n.get("severity").asString()).isEqualTo("HIGH");
    assertThat(n.get("type").asString()).isEqualTo("GRANT_ISSUED");
    assertThat(n.get("time").asString()).isEqualTo("2026-03-01T10:15:30.123Z");
    assertThat(n.get("summary").asString()).isEqualTo(a.summary());
    assertThat(n.get("grant").asString()).isEqualTo("grant-42");
    assertThat(n.get("account").asString()).isEqualTo("db-root");
    assertThat(n.get("details").get("ticket").asString()).isEqualTo("INC-7");
  }

  @Test
  void slackPayloadIsOneEscapedMrkdwnText() throws Exception {
    Alert a = new Alert("s-1", Instant.parse("2026-03-01T10:00:00Z"), Severity.CRITICAL,
        dev.breakglass.AuditEventType.USE_OUTSIDE_EMERGENCY, "login as <root> & more", null, "root",
        java.util.Map.of());
    try (WebhookAlertChannel c = channel().format(WebhookAlertChannel.Format.SLACK).build()) {
      c.deliver(a);
    }
    JsonNode n = json(receiver.requests().get(0));
    assertThat(n.properties()).extracting(java.util.Map.Entry::getKey).containsExactly("text");
    assertThat(n.get("text").asString())
        .startsWith(":rotating_light: *[CRITICAL] USE_OUTSIDE_EMERGENCY* login as &lt;root&gt; &amp; more")
        .contains(">account: root").contains(">alert id: s-1");
  }

  @Test
  void pagerDutyPayloadFollowsEventsApiV2() throws Exception {
    Alert a = alert(Severity.HIGH);
    try (WebhookAlertChannel c = channel().format(WebhookAlertChannel.Format.PAGERDUTY)
        .pagerDutyRoutingKey("R0UT1NGKEY".toCharArray()).source("app-1.example.org").build()) {
      c.deliver(a);
    }
    JsonNode n = json(receiver.requests().get(0));
    assertThat(n.get("routing_key").asString()).isEqualTo("R0UT1NGKEY");
    assertThat(n.get("event_action").asString()).isEqualTo("trigger");
    assertThat(n.get("dedup_key").asString()).isEqualTo(a.id());
    JsonNode p = n.get("payload");
    assertThat(p.get("summary").asString()).isEqualTo("[HIGH] GRANT_ISSUED: " + a.summary());
    assertThat(p.get("source").asString()).isEqualTo("app-1.example.org");
    assertThat(p.get("severity").asString()).isEqualTo("error");
    assertThat(p.get("timestamp").asString()).isEqualTo("2026-03-01T10:15:30.123Z");
    assertThat(p.get("custom_details").get("alert_id").asString()).isEqualTo(a.id());
  }

  @Test
  void pagerDutySeverityMapping() {
    assertThat(WebhookPayloads.pagerDutySeverity(Severity.INFO)).isEqualTo("info");
    assertThat(WebhookPayloads.pagerDutySeverity(Severity.HIGH)).isEqualTo("error");
    assertThat(WebhookPayloads.pagerDutySeverity(Severity.CRITICAL)).isEqualTo("critical");
  }

  @Test
  void pagerDutySummaryIsCutToItsLimit() {
    Alert a = new Alert("long", Instant.EPOCH, Severity.INFO, dev.breakglass.AuditEventType.ACCESS_REQUESTED,
        "x".repeat(5000), null, null, java.util.Map.of());
    JsonNode n = JSON.readTree(WebhookPayloads.pagerDuty(a, "k".toCharArray(), "s"));
    assertThat(n.get("payload").get("summary").asString()).hasSize(WebhookPayloads.PAGERDUTY_SUMMARY_MAX);
  }

  @Test
  void serverErrorsAndThrottlingAreRetryableClientErrorsAreNot() {
    try (WebhookAlertChannel c = channel().build()) {
      for (int status : new int[] {500, 502, 503, 429, 408}) {
        receiver.answer(n -> status);
        assertThatThrownBy(() -> c.deliver(alert(Severity.INFO))).isInstanceOf(AlertDeliveryException.class)
            .hasMessageContaining("HTTP " + status)
            .satisfies(e -> assertThat(((AlertDeliveryException) e).retryable()).as("%s", status).isTrue());
      }
      for (int status : new int[] {400, 401, 403, 404, 410}) {
        receiver.answer(n -> status);
        assertThatThrownBy(() -> c.deliver(alert(Severity.INFO)))
            .satisfies(e -> assertThat(((AlertDeliveryException) e).retryable()).as("%s", status).isFalse());
      }
    }
  }

  @Test
  void redirectsAreNotFollowed() throws Exception {
    receiver.answer(n -> 307);
    try (WebhookAlertChannel c = channel().build()) {
      assertThatThrownBy(() -> c.deliver(alert(Severity.INFO))).hasMessageContaining("redirects are not followed")
          .satisfies(e -> assertThat(((AlertDeliveryException) e).retryable()).isFalse());
    }
    assertThat(receiver.requests()).hasSize(1);
  }

  @Test
  void hungReceiverTimesOutRetryably() throws Exception {
    receiver.hang();
    try (WebhookAlertChannel c = channel().timeout(Duration.ofMillis(200)).build()) {
      assertThatThrownBy(() -> c.deliver(alert(Severity.INFO))).isInstanceOf(AlertDeliveryException.class)
          .hasMessageContaining("no answer within")
          .satisfies(e -> assertThat(((AlertDeliveryException) e).retryable()).isTrue());
    } finally {
      receiver.release();
    }
  }

  @Test
  void messagesNameOnlySchemeHostAndPortBecauseTheUrlPathMayBeASecret() throws Exception {
    WebhookReceiver down = WebhookReceiver.down();
    java.net.URI secretUrl = java.net.URI.create(down.uri().toString().replace("/hook",
        "/services/T000/B000/canarySlackSecret"));
    try (WebhookAlertChannel c = WebhookAlertChannel.builder(secretUrl).build()) {
      assertThat(c.toString()).doesNotContain("canarySlackSecret");
      assertThatThrownBy(() -> c.deliver(alert(Severity.INFO))).hasMessageNotContaining("canarySlackSecret");
    }
  }

  @Test
  void badConfigurationIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> WebhookAlertChannel.builder(java.net.URI.create("ftp://example.org/x")))
        .hasMessageContaining("http or https");
    assertThatThrownBy(() -> channel().signingKey(new byte[8])).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> channel().format(WebhookAlertChannel.Format.PAGERDUTY).build())
        .hasMessageContaining("routing key");
    assertThatThrownBy(() -> channel().timeout(Duration.ZERO)).hasMessageContaining("timeout");
  }

  @Test
  void everyTwoHundredAnswerIsADelivery() {
    try (WebhookAlertChannel c = channel().build()) {
      for (int status : new int[] {200, 204, 299}) {
        receiver.answer(n -> status);
        c.deliver(alert(Severity.INFO));
      }
    }
    assertThat(receiver.requests()).extracting(WebhookReceiver.Request::answeredStatus).containsExactly(200, 204, 299);
  }

  @Test
  void onlyThreeHundredAnswersMentionRedirects() {
    try (WebhookAlertChannel c = channel().build()) {
      for (int status : new int[] {300, 399}) {
        receiver.answer(n -> status);
        assertThatThrownBy(() -> c.deliver(alert(Severity.INFO)))
            .hasMessage("webhook " + target() + " answered HTTP " + status + " (redirects are not followed)");
      }
      receiver.answer(n -> 400);
      assertThatThrownBy(() -> c.deliver(alert(Severity.INFO)))
          .hasMessage("webhook " + target() + " answered HTTP 400");
    }
  }

  private String target() {
    return "http://127.0.0.1:" + receiver.uri().getPort();
  }

  @Test
  void toString_namesFormatTargetAndWhetherRequestsAreSigned() {
    try (WebhookAlertChannel signed = channel().name("pager").format(WebhookAlertChannel.Format.SLACK).build();
        WebhookAlertChannel unsigned = WebhookAlertChannel.builder(java.net.URI.create("https://hooks.example.org/x/y"))
            .build()) {
      assertThat(signed.toString()).isEqualTo("WebhookAlertChannel[pager, slack, " + target() + ", signed]");
      assertThat(unsigned.toString()).isEqualTo("WebhookAlertChannel[webhook, generic, https://hooks.example.org]");
      assertThat(signed.name()).isEqualTo("pager");
      assertThat(signed.format()).isEqualTo(WebhookAlertChannel.Format.SLACK);
    }
  }

  @Test
  void aKeyOfExactly32Bytes_isEnough() throws Exception {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) 7);
    try (WebhookAlertChannel c = WebhookAlertChannel.builder(receiver.uri()).signingKey(key).build()) {
      c.deliver(alert(Severity.INFO));
    }
    WebhookReceiver.Request r = receiver.requests().get(0);
    assertThat(WebhookSignatureVerifier.builder(key).build().isValid(r.header(WebhookAlertChannel.TIMESTAMP_HEADER),
        r.header(WebhookAlertChannel.SIGNATURE_HEADER), r.body())).isTrue();
  }

  @Test
  void close_wipesTheRoutingKeyItHolds() {
    Alert a = alert(Severity.INFO);
    WebhookAlertChannel c = channel().format(WebhookAlertChannel.Format.PAGERDUTY)
        .pagerDutyRoutingKey("R0UT1NGKEY".toCharArray()).build();
    assertThat(new String(c.body(a), StandardCharsets.UTF_8)).contains("R0UT1NGKEY");

    c.close();

    assertThat(new String(c.body(a), StandardCharsets.UTF_8)).doesNotContain("R0UT1NGKEY");
  }

  @Test
  void relativeUrlsAndBlankNamesAreRefused() {
    assertThatThrownBy(() -> WebhookAlertChannel.builder(java.net.URI.create("/hook")))
        .hasMessage("webhook URL must be an absolute http or https URL with a host, was a relative URL");
    assertThatThrownBy(() -> WebhookAlertChannel.builder(java.net.URI.create("mailto:ops@example.org")))
        .hasMessageEndingWith("was a 'mailto' URL");
    assertThatThrownBy(() -> channel().name(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("webhook channel name must not be blank");
    assertThatThrownBy(() -> channel().name(null)).isInstanceOf(IllegalArgumentException.class);
  }
}

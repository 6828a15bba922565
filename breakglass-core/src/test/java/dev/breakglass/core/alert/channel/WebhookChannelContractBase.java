package dev.breakglass.core.alert.channel;

import dev.breakglass.spi.AlertChannel;
import dev.breakglass.tck.AlertChannelContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/** {@link WebhookAlertChannel} against the alert channel kit and a real HTTP receiver on loopback. */
abstract class WebhookChannelContractBase extends AlertChannelContract {
  final String hmacCanary = "canary-hmac-" + UUID.randomUUID();
  WebhookReceiver receiver;

  abstract WebhookAlertChannel.Format format();

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  WebhookAlertChannel.Builder configured(WebhookReceiver target) {
    WebhookAlertChannel.Builder b = WebhookAlertChannel.builder(target.uri()).format(format())
        .signingKey(hmacCanary.getBytes(StandardCharsets.UTF_8))
        .timeout(Duration.ofSeconds(10));
    if (format() == WebhookAlertChannel.Format.PAGERDUTY) {
      b.pagerDutyRoutingKey("routing-key-for-the-test".toCharArray());
    }
    return b;
  }

  @Override
  protected AlertChannel createChannel() throws Exception {
    // the kit's @BeforeEach calls this before any of this class's own
    receiver = WebhookReceiver.start();
    return configured(receiver).build();
  }

  @Override
  protected AlertChannel createUnreachableChannel() throws Exception {
    return configured(WebhookReceiver.down()).build();
  }

  @Override
  protected List<String> awaitReceived(int count) throws Exception {
    return receiver.await(count).stream().map(WebhookReceiver.Request::asText).toList();
  }

  @Override
  protected Collection<String> channelSecrets() {
    return List.of(hmacCanary);
  }
}

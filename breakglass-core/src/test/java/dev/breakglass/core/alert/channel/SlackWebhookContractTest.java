package dev.breakglass.core.alert.channel;

/** The slack payload shape of {@link WebhookAlertChannel} passes the alert channel kit. */
class SlackWebhookContractTest extends WebhookChannelContractBase {
  @Override
  WebhookAlertChannel.Format format() {
    return WebhookAlertChannel.Format.SLACK;
  }
}

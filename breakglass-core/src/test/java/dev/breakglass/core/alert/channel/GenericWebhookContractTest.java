package dev.breakglass.core.alert.channel;

/** The generic payload shape of {@link WebhookAlertChannel} passes the alert channel kit. */
class GenericWebhookContractTest extends WebhookChannelContractBase {
  @Override
  WebhookAlertChannel.Format format() {
    return WebhookAlertChannel.Format.GENERIC;
  }
}

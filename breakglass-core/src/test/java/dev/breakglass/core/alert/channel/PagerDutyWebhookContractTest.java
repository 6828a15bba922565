package dev.breakglass.core.alert.channel;

/** The pagerduty payload shape of {@link WebhookAlertChannel} passes the alert channel kit. */
class PagerDutyWebhookContractTest extends WebhookChannelContractBase {
  @Override
  WebhookAlertChannel.Format format() {
    return WebhookAlertChannel.Format.PAGERDUTY;
  }
}

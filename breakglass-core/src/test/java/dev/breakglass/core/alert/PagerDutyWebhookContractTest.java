package dev.breakglass.core.alert;

/** The pagerduty payload shape of {@link WebhookAlertChannel} passes the alert channel kit. */
class PagerDutyWebhookContractTest extends WebhookChannelContractBase {
  @Override
  WebhookAlertChannel.Format format() {
    return WebhookAlertChannel.Format.PAGERDUTY;
  }
}

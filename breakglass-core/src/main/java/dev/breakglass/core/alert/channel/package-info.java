/**
 * The built-in alert channels: the log ({@link dev.breakglass.core.alert.channel.Slf4jAlertChannel}),
 * signed webhooks for generic receivers, Slack and PagerDuty
 * ({@link dev.breakglass.core.alert.channel.WebhookAlertChannel}, with
 * {@link dev.breakglass.core.alert.channel.WebhookSignatureVerifier} for receivers) and RFC 5424
 * syslog ({@link dev.breakglass.core.alert.channel.SyslogAlertChannel}), each with the provider
 * that builds it from properties. Dispatch, retries and the outbox live in
 * {@link dev.breakglass.core.alert}.
 */
@NullMarked
package dev.breakglass.core.alert.channel;

import org.jspecify.annotations.NullMarked;

/**
 * Alert dispatch: {@link dev.breakglass.core.alert.OutboxAlertDispatcher} writes every alert to a
 * durable outbox, routes it by severity and retries each channel until delivery is accounted for.
 * The channels themselves live in {@link dev.breakglass.core.alert.channel}.
 */
@NullMarked
package dev.breakglass.core.alert;

import org.jspecify.annotations.NullMarked;

package dev.breakglass.core.alert.channel;

import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertChannelProvider;
import dev.breakglass.spi.ProviderContext;

/**
 * Provider {@value Slf4jAlertChannel#NAME}: a {@link Slf4jAlertChannel}.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code logger}</td><td>{@code dev.breakglass.alert}</td><td>the logger name</td></tr>
 * </table>
 */
public final class Slf4jAlertChannelProvider implements AlertChannelProvider {
  @Override
  public String name() {
    return Slf4jAlertChannel.NAME;
  }

  @Override
  public AlertChannel create(ProviderContext context) {
    return new Slf4jAlertChannel(context.get("logger").orElse("dev.breakglass.alert"));
  }
}

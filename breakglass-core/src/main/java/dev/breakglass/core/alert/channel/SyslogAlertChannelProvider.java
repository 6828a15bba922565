package dev.breakglass.core.alert.channel;

import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertChannelProvider;
import dev.breakglass.spi.ProviderContext;
import java.time.Duration;

/**
 * Provider {@value SyslogAlertChannel#NAME}: a {@link SyslogAlertChannel}.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code host}</td><td>required</td><td>the syslog receiver</td></tr>
 *   <tr><td>{@code port}</td><td>{@code 514}</td><td>its port</td></tr>
 *   <tr><td>{@code transport}</td><td>{@code tcp}</td><td>{@code tcp} (RFC 6587 octet counting) or
 *       {@code udp} (RFC 5426)</td></tr>
 *   <tr><td>{@code facility}</td><td>{@code auth}</td><td>a facility name: {@code auth},
 *       {@code authpriv}, {@code security}, {@code local0} ... {@code local7}, ...</td></tr>
 *   <tr><td>{@code app-name}</td><td>{@code breakglass}</td><td>APP-NAME field</td></tr>
 *   <tr><td>{@code hostname}</td><td>this host's name</td><td>HOSTNAME field</td></tr>
 *   <tr><td>{@code sd-id}</td><td>{@code breakglass@32473}</td><td>structured-data id; use your
 *       enterprise number</td></tr>
 *   <tr><td>{@code timeout}</td><td>{@code 5s}</td><td>bound on connecting and writing</td></tr>
 *   <tr><td>{@code max-datagram-bytes}</td><td>{@code 2048}</td><td>UDP messages are cut to this</td></tr>
 *   <tr><td>{@code name}</td><td>{@code syslog}</td><td>channel name in messages</td></tr>
 * </table>
 */
public final class SyslogAlertChannelProvider implements AlertChannelProvider {
  @Override
  public String name() {
    return SyslogAlertChannel.NAME;
  }

  @Override
  public AlertChannel create(ProviderContext context) {
    try {
      SyslogAlertChannel.Builder b = SyslogAlertChannel.builder(context.require("host"), context.integer("port", 514))
          .transport(context.enumValue("transport", SyslogAlertChannel.Transport.class,
              SyslogAlertChannel.Transport.TCP))
          .facility(context.enumValue("facility", SyslogAlertChannel.Facility.class,
              SyslogAlertChannel.Facility.AUTH))
          .timeout(context.positiveDuration("timeout", Duration.ofSeconds(5)))
          .maxDatagramBytes(context.integer("max-datagram-bytes", 2048));
      context.get("app-name").ifPresent(b::appName);
      context.get("hostname").ifPresent(b::hostname);
      context.get("sd-id").ifPresent(b::sdId);
      context.get("name").ifPresent(b::name);
      return b.build();
    } catch (IllegalArgumentException e) {
      throw context.problem(e.getMessage());
    }
  }
}

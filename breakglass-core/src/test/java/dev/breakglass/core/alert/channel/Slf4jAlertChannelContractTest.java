package dev.breakglass.core.alert.channel;

import dev.breakglass.spi.AlertChannel;
import dev.breakglass.tck.AlertChannelContract;
import java.util.Collection;
import java.util.List;

/** {@link Slf4jAlertChannel} against the alert channel kit, reading what a capturing logger got. */
class Slf4jAlertChannelContractTest extends AlertChannelContract {
  private final CapturingLogger logger = new CapturingLogger("dev.breakglass.alert", false);

  @Override
  protected AlertChannel createChannel() {
    return new Slf4jAlertChannel(logger);
  }

  @Override
  protected AlertChannel createUnreachableChannel() {
    return new Slf4jAlertChannel(new CapturingLogger("dev.breakglass.alert", true));
  }

  @Override
  protected List<String> awaitReceived(int count) {
    return logger.lines();
  }

  @Override
  protected Collection<String> channelSecrets() {
    return List.of();
  }
}

package dev.breakglass.core.alert.channel;

import dev.breakglass.spi.AlertChannel;
import dev.breakglass.tck.AlertChannelContract;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** {@link SyslogAlertChannel} against the alert channel kit and a real listener on loopback. */
abstract class SyslogChannelContract extends AlertChannelContract {
  private SyslogListener listener;

  abstract SyslogAlertChannel.Transport transport();

  @Override
  protected AlertChannel createChannel() throws Exception {
    listener = transport() == SyslogAlertChannel.Transport.TCP ? SyslogListener.tcp() : SyslogListener.udp();
    return channelTo(listener.port());
  }

  @Override
  protected AlertChannel createUnreachableChannel() throws Exception {
    return channelTo(WebhookReceiver.freePort());
  }

  private AlertChannel channelTo(int port) {
    return SyslogAlertChannel.builder("127.0.0.1", port).transport(transport()).hostname("test-host").build();
  }

  @Override
  protected List<String> awaitReceived(int count) throws Exception {
    return listener.await(count);
  }

  @Override
  protected Collection<String> channelSecrets() {
    return List.of();
  }

  @AfterEach
  void stopListener() throws Exception {
    if (listener != null) {
      listener.close();
    }
  }
}

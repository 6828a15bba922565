package dev.breakglass.core.alert;

import dev.breakglass.spi.AlertChannel;
import dev.breakglass.tck.AlertChannelContract;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** {@link SyslogAlertChannel} over Tcp against the alert channel kit and a real listener on loopback. */
class SyslogTcpContractTest extends AlertChannelContract {
  private SyslogListener listener;

  @Override
  protected AlertChannel createChannel() throws Exception {
    listener = SyslogListener.tcp();
    return SyslogAlertChannel.builder("127.0.0.1", listener.port())
        .transport(SyslogAlertChannel.Transport.TCP).hostname("test-host").build();
  }

  @Override
  protected AlertChannel createUnreachableChannel() throws Exception {
    return SyslogAlertChannel.builder("127.0.0.1", WebhookReceiver.freePort())
        .transport(SyslogAlertChannel.Transport.TCP).hostname("test-host").build();
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
    listener.close();
  }
}

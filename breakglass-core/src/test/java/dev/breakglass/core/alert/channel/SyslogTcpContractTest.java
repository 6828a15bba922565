package dev.breakglass.core.alert.channel;

/** {@link SyslogAlertChannel} over TCP against the alert channel kit. */
class SyslogTcpContractTest extends SyslogChannelContract {
  @Override
  SyslogAlertChannel.Transport transport() {
    return SyslogAlertChannel.Transport.TCP;
  }
}

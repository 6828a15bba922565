package dev.breakglass.core.alert;

/** {@link SyslogAlertChannel} over TCP against the alert channel kit. */
class SyslogTcpContractTest extends SyslogChannelContract {
  @Override
  SyslogAlertChannel.Transport transport() {
    return SyslogAlertChannel.Transport.TCP;
  }
}

package dev.breakglass.core.alert.channel;

/** {@link SyslogAlertChannel} over UDP against the alert channel kit. */
class SyslogUdpContractTest extends SyslogChannelContract {
  @Override
  SyslogAlertChannel.Transport transport() {
    return SyslogAlertChannel.Transport.UDP;
  }
}

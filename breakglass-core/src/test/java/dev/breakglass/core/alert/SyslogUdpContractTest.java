package dev.breakglass.core.alert;

/** {@link SyslogAlertChannel} over UDP against the alert channel kit. */
class SyslogUdpContractTest extends SyslogChannelContract {
  @Override
  SyslogAlertChannel.Transport transport() {
    return SyslogAlertChannel.Transport.UDP;
  }
}

/**
 * An alert channel that sends e-mail over SMTP, with STARTTLS required by default, using Jakarta
 * Mail (Eclipse Angus). Registered as the {@code email} alert channel provider.
 */
module dev.breakglass.alert.email {
  requires transitive dev.breakglass.spi;
  requires jakarta.mail;
  requires static org.jspecify;

  exports dev.breakglass.alert.email;

  provides dev.breakglass.spi.AlertChannelProvider with dev.breakglass.alert.email.EmailAlertChannelProvider;
}

package dev.breakglass.core.alert.channel;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.ProviderContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Small property helpers shared by the alert channel providers. */
final class ProviderSupport {
  private ProviderSupport() {}

  /** The enum constant named by {@code key} (case-insensitive, {@code -} for {@code _}), or the default. */
  static <E extends Enum<E>> E enumValue(ProviderContext context, String key, Class<E> type, E defaultValue) {
    Optional<String> raw = context.get(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    String wanted = raw.get().trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(wanted)) {
        return e;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw new ProviderException(context.providerName(), "provider '" + context.providerName() + "' property '" + key
        + "' must be one of " + allowed + ", was '" + raw.get() + "'");
  }

  /**
   * A TLS context that trusts exactly the certificates (or CAs) in a PEM file, for a receiver with a
   * private certificate.
   *
   * @throws ProviderException naming the property and file if they cannot be read
   */
  static SSLContext trusting(ProviderContext context, String key, Path pem) {
    String provider = context.providerName();
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new ProviderException(provider, "provider '" + provider + "' property '" + key + "': " + pem
            + " holds no certificate");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        trust.setCertificateEntry("trusted-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (IOException | GeneralSecurityException e) {
      throw new ProviderException(provider, "provider '" + provider + "' property '" + key + "': cannot read"
          + " certificates from " + pem + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /** UTF-8 bytes of {@code chars} without an intermediate String; wipes {@code chars}. */
  static byte[] utf8AndWipe(char[] chars) {
    ByteBuffer buf = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = new byte[buf.remaining()];
    buf.get(out);
    if (buf.hasArray()) {
      Arrays.fill(buf.array(), (byte) 0);
    }
    Arrays.fill(chars, '\0');
    return out;
  }
}

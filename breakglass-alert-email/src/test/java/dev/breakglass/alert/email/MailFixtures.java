package dev.breakglass.alert.email;

import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** Test fixtures: the test CA trust, free ports, and messages as text. */
final class MailFixtures {
  static final String FROM = "breakglass@example.org";
  static final String TO = "security@example.org";

  private MailFixtures() {}

  /** Trusts exactly the test server certificate. */
  static SSLSocketFactory trustingTestServer() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = MailFixtures.class.getResourceAsStream("/smtp-server-cert.pem")) {
      trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx.getSocketFactory();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Headers and decoded body of a received message. */
  static String text(MimeMessage m) {
    try {
      StringBuilder sb = new StringBuilder();
      for (String h : Collections.list(m.getAllHeaderLines())) {
        sb.append(h).append('\n');
      }
      sb.append("Subject-Decoded: ").append(m.getSubject()).append('\n');
      return sb.append('\n').append(m.getContent()).toString();
    } catch (Exception e) {
      throw new UncheckedIOException(new IOException("cannot read a received message", e));
    }
  }

  static List<String> texts(MimeMessage[] messages) {
    return java.util.Arrays.stream(messages).map(MailFixtures::text).toList();
  }
}

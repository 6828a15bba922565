package dev.breakglass.core.alert.channel;

import static dev.breakglass.core.alert.channel.TestSupport.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertDeliveryException;
import dev.breakglass.spi.ProviderContext;
import dev.breakglass.spi.Severity;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link WebhookAlertChannel} over HTTPS to a real JDK HttpsServer with a test certificate for 127.0.0.1. */
class WebhookHttpsTest {
  @TempDir Path dir;

  private HttpsServer server;
  private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
  private Path pem;

  @BeforeEach
  void start() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = getClass().getResourceAsStream("/https-server.p12")) {
      ks.load(in, "test-keystore".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "test-keystore".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        bodies.add(in.readAllBytes());
      }
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
    });
    server.start();
    pem = dir.resolve("trust.pem");
    try (InputStream in = getClass().getResourceAsStream("/https-server-cert.pem")) {
      Files.copy(in, pem);
    }
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  @Test
  void deliversOverHttpsTrustingTheConfiguredCertificate() {
    try (AlertChannel c = new WebhookAlertChannelProvider().create(new ProviderContext("alert.channel.hook",
        Map.of("url", url(), "trust-certificates", pem.toString()), Clock.systemUTC(), dir))) {
      c.deliver(alert(Severity.HIGH));
    }
    assertThat(bodies).hasSize(1);
  }

  @Test
  void untrustedCertificateIsRefused() {
    try (AlertChannel c = new WebhookAlertChannelProvider().create(new ProviderContext("alert.channel.hook",
        Map.of("url", url()), Clock.systemUTC(), dir))) {
      assertThatThrownBy(() -> c.deliver(alert(Severity.HIGH))).isInstanceOf(AlertDeliveryException.class);
    }
    assertThat(bodies).isEmpty();
  }
}

package dev.breakglass.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.ProbeResult;
import dev.breakglass.spi.ProviderContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an HTTP health check reports for each way a request can end, against real sockets on
 * loopback: the status codes at the edges of "healthy", bodies at the size cap, refused TLS, a
 * connection that is dropped, a listener that never accepts, and an interrupted caller.
 */
class HttpFailureDetailsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "http-failures");
    t.setDaemon(true);
    return t;
  });
  private final AtomicReference<String> floodOutcome = new AtomicReference<>();
  private final CountDownLatch floodDone = new CountDownLatch(1);
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/status/", this::status);
    server.createContext("/bytes/", this::bytes);
    server.createContext("/flood", this::flood);
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop(0);
    for (AutoCloseable c : closeables) {
      c.close();
    }
    executor.shutdownNow();
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static ProbeResult check(String url) {
    return HttpStatusProbe.builder(url).timeout(TIMEOUT).build().check();
  }

  private void status(HttpExchange exchange) throws IOException {
    int code = Integer.parseInt(exchange.getRequestURI().getPath().substring("/status/".length()));
    exchange.sendResponseHeaders(code, -1);
    exchange.close();
  }

  private void bytes(HttpExchange exchange) throws IOException {
    int n = Integer.parseInt(exchange.getRequestURI().getPath().substring("/bytes/".length()));
    byte[] body = new byte[n];
    Arrays.fill(body, (byte) 'x');
    exchange.sendResponseHeaders(200, n);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** 64 MiB, far more than socket buffers hold: the write completes only if the client reads it all. */
  private void flood(HttpExchange exchange) {
    try (OutputStream out = exchange.getResponseBody()) {
      exchange.sendResponseHeaders(200, 0);
      byte[] chunk = new byte[64 * 1024];
      for (int i = 0; i < 1024; i++) {
        out.write(chunk);
      }
      floodOutcome.set("sent everything");
    } catch (IOException e) {
      floodOutcome.set("client hung up");
    } finally {
      floodDone.countDown();
    }
  }

  @Test
  void statusCodes_200To299AreHealthy_andTheirNeighboursAreNot() {
    assertThat(check(base() + "/status/199").healthy()).isFalse();
    assertThat(check(base() + "/status/200").healthy()).isTrue();
    assertThat(check(base() + "/status/299").healthy()).isTrue();
    ProbeResult multipleChoices = check(base() + "/status/300");
    assertThat(multipleChoices.healthy()).isFalse();
    assertThat(multipleChoices.detail()).isEqualTo(base() + "/status/300 answered HTTP 300");
  }

  @Test
  void aBodyOfExactlyTheCapIsRead_oneByteMoreIsRefused() {
    assertThat(check(base() + "/bytes/" + HttpFetcher.MAX_BODY_BYTES).healthy()).isTrue();

    ProbeResult tooLarge = check(base() + "/bytes/" + (HttpFetcher.MAX_BODY_BYTES + 1));

    assertThat(tooLarge.healthy()).isFalse();
    assertThat(tooLarge.detail()).isEqualTo("the response from " + base() + "/bytes/" + (HttpFetcher.MAX_BODY_BYTES + 1)
        + " is larger than 1048576 bytes");
  }

  @Test
  void anOversizedBody_isNotDownloaded_theProbeHangsUp() throws InterruptedException {
    ProbeResult r = check(base() + "/flood");

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).endsWith("is larger than 1048576 bytes");
    assertThat(floodDone.await(1, TimeUnit.MINUTES)).isTrue();
    assertThat(floodOutcome.get()).isEqualTo("client hung up");
  }

  @Test
  void tlsToAPlainHttpServer_failsNamingTls() throws IOException {
    String url = "https://127.0.0.1:" + rawServer("HTTP/1.1 400 Bad Request\r\n\r\n") + "/health";

    ProbeResult r = check(url);

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).startsWith("TLS failed with " + url + ": ")
        .hasSizeGreaterThan(("TLS failed with " + url + ": ").length());
  }

  @Test
  void aConnectionDroppedBeforeTheAnswer_isAnIoErrorNamingItsType() throws IOException {
    String url = "http://127.0.0.1:" + rawServer("") + "/health";

    ProbeResult r = check(url);

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).matches("I/O error talking to \\Q" + url + "\\E: [A-Za-z]*Exception .+");
  }

  /** A loopback server that reads a little of each request, writes {@code reply} and hangs up; its port. */
  private int rawServer(String reply) throws IOException {
    ServerSocket raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closeables.add(raw);
    executor.submit(() -> {
      while (!raw.isClosed()) {
        try (Socket s = raw.accept()) {
          s.getInputStream().read(new byte[512]);
          s.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
        } catch (IOException e) {
          if (raw.isClosed()) {
            return;
          }
        }
      }
    });
    return raw.getLocalPort();
  }

  @Test
  void anUnknownHost_isReportedAsUnresolved() {
    ProbeResult r = check("http://no-such-host.invalid/health");

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).isEqualTo("could not resolve the host of http://no-such-host.invalid/health");
  }

  @Test
  void aListenerThatNeverAccepts_hitsTheConnectTimeout_fromTheProviderProperty() throws IOException {
    String url = saturatedListener();
    HealthProbe probe = new HttpStatusProbeProvider().create(new ProviderContext("http",
        Map.of("url", url, "timeout", "10s", "connect-timeout", "300ms"), Clock.systemUTC(), Path.of(".")));

    ProbeResult r = probe.check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).isEqualTo("could not connect to " + url + " within 300ms");
  }

  @Test
  void anInterruptedCaller_getsAnUnhealthyResult_andKeepsItsInterrupt() {
    HttpStatusProbe probe = HttpStatusProbe.builder(base() + "/status/200").timeout(TIMEOUT).build();
    Thread.currentThread().interrupt();
    ProbeResult r;
    boolean stillInterrupted;
    try {
      r = probe.check();
    } finally {
      stillInterrupted = Thread.interrupted();
    }

    assertThat(stillInterrupted).isTrue();
    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).isEqualTo("interrupted while waiting for " + base() + "/status/200");
  }

  @Test
  void latency_isTheTimeTheCheckTook() {
    HttpStatusProbe probe = HttpStatusProbe.builder(base() + "/status/204").timeout(TIMEOUT).build();
    long before = System.nanoTime();

    ProbeResult r = probe.check();

    long elapsed = System.nanoTime() - before;
    assertThat(r.latency()).isPositive().isLessThanOrEqualTo(Duration.ofNanos(elapsed));
  }

  @Test
  void anExplicitPortZero_isShownAsConfigured() {
    assertThat(HttpStatusProbe.builder("http://127.0.0.1:0/health").build().name())
        .isEqualTo("http:http://127.0.0.1:0/health");
  }

  /**
   * A loopback listener with a backlog of one that never accepts, its queue filled: the kernel drops
   * further connection attempts, so a client's connect hangs until its own timeout.
   */
  private String saturatedListener() throws IOException {
    ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    closeables.add(listener);
    for (int i = 0; i < 4; i++) {
      Socket filler = new Socket();
      closeables.add(filler);
      try {
        filler.connect(listener.getLocalSocketAddress(), 200);
      } catch (IOException e) {
        break;
      }
    }
    return "http://127.0.0.1:" + listener.getLocalPort() + "/health";
  }
}

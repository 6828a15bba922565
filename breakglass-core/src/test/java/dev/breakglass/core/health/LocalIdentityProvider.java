package dev.breakglass.core.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 that serves an OpenID Connect discovery document, a key set and a
 * health endpoint, and can be switched into the ways a real provider fails.
 */
final class LocalIdentityProvider implements AutoCloseable {
  enum Mode {
    HEALTHY,
    ERROR_500,
    /** Accepts the request and never answers (until the server stops). */
    HANG,
    /** Sends headers at once, then stalls in the middle of the body. */
    HANG_IN_BODY,
    WRONG_ISSUER,
    NOT_JSON,
    MISSING_TOKEN_ENDPOINT,
    EMPTY_KEY_SET,
    KEY_SET_500
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "local-idp");
    t.setDaemon(true);
    return t;
  });
  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicInteger requests = new AtomicInteger();
  private final String issuer;
  private volatile Mode mode = Mode.HEALTHY;
  private volatile boolean stopped;

  private LocalIdentityProvider(String issuerPath) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort() + issuerPath;
    server.createContext(issuerPath + OidcDiscoveryProbe.DISCOVERY_PATH, this::discovery);
    server.createContext("/keys", this::keys);
    server.createContext("/health", this::health);
    server.start();
  }

  static LocalIdentityProvider start() throws IOException {
    return new LocalIdentityProvider("");
  }

  /** A provider whose issuer has a path, as multi-tenant providers do ({@code http://host/realms/main}). */
  static LocalIdentityProvider startWithIssuerPath(String path) throws IOException {
    return new LocalIdentityProvider(path);
  }

  String issuer() {
    return issuer;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  int requests() {
    return requests.get();
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  /** Stops listening: further connections are refused. */
  void stop() {
    if (!stopped) {
      stopped = true;
      released.countDown();
      server.stop(0);
      executor.shutdownNow();
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void discovery(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    Mode m = mode;
    if (stall(exchange, m)) {
      return;
    }
    String announced = m == Mode.WRONG_ISSUER ? "https://evil.example.com" : issuer;
    String tokenEndpoint = m == Mode.MISSING_TOKEN_ENDPOINT ? ""
        : ",\"token_endpoint\":\"" + baseUrl() + "/token\"";
    switch (m) {
      case ERROR_500:
        send(exchange, 500, "{\"error\":\"boom\"}");
        break;
      case NOT_JSON:
        send(exchange, 200, "<html><body>Maintenance</body></html>");
        break;
      default:
        send(exchange, 200, "{\"issuer\":\"" + announced + "\""
            + ",\"authorization_endpoint\":\"" + baseUrl() + "/authorize\"" + tokenEndpoint
            + ",\"jwks_uri\":\"" + baseUrl() + "/keys\""
            + ",\"response_types_supported\":[\"code\"]}");
    }
  }

  private void keys(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    Mode m = mode;
    if (m == Mode.KEY_SET_500) {
      send(exchange, 500, "");
    } else if (m == Mode.EMPTY_KEY_SET) {
      send(exchange, 200, "{\"keys\":[]}");
    } else {
      send(exchange, 200, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"k1\","
          + "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}");
    }
  }

  private void health(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    Mode m = mode;
    if (stall(exchange, m)) {
      return;
    }
    send(exchange, m == Mode.ERROR_500 ? 503 : 204, null);
  }

  /** Holds the exchange open in the hanging modes until the server stops. */
  private boolean stall(HttpExchange exchange, Mode m) throws IOException {
    if (m == Mode.HANG) {
      awaitRelease();
      exchange.close();
      return true;
    }
    if (m == Mode.HANG_IN_BODY) {
      exchange.sendResponseHeaders(200, 1000);
      OutputStream body = exchange.getResponseBody();
      body.write("{\"issuer\":".getBytes(StandardCharsets.UTF_8));
      body.flush();
      awaitRelease();
      exchange.close();
      return true;
    }
    return false;
  }

  private void awaitRelease() {
    try {
      released.await(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}

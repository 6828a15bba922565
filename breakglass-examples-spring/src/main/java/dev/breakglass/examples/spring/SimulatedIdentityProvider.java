package dev.breakglass.examples.spring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A stand-in for the company's identity provider, on a loopback port: {@code GET /health} answers
 * 200 while it is up, {@code GET /users/{name}} answers the user's encoded password (404 for an
 * unknown user). {@link #stop()} takes it down (connections are refused, as in a real outage) and
 * {@link #start()} brings it back on the same port.
 */
public final class SimulatedIdentityProvider implements AutoCloseable {
  private final Map<String, String> encodedPasswords;
  private int port;
  private HttpServer server;

  /**
   * @param port the port, 0 for any free one
   * @param encodedPasswords users and their encoded passwords ({@code {bcrypt}...})
   */
  public SimulatedIdentityProvider(int port, Map<String, String> encodedPasswords) {
    this.encodedPasswords = Map.copyOf(encodedPasswords);
    this.port = port;
    start();
  }

  /** Starts (or restarts) serving on the same port. */
  public synchronized void start() {
    if (server != null) {
      return;
    }
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      s.createContext("/health", exchange -> respond(exchange, 200, "UP"));
      s.createContext("/users/", this::user);
      s.start();
      port = s.getAddress().getPort();
      server = s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the simulated identity provider on port " + port, e);
    }
  }

  /** An outage: the port stops answering. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  public synchronized boolean isUp() {
    return server != null;
  }

  /** The base URL, for example {@code http://127.0.0.1:43123}. */
  public String url() {
    return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port;
  }

  private void user(HttpExchange exchange) throws IOException {
    String name = exchange.getRequestURI().getPath().substring("/users/".length());
    String encoded = encodedPasswords.get(name);
    if (encoded == null) {
      respond(exchange, 404, "no such user");
    } else {
      respond(exchange, 200, encoded);
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    stop();
  }
}

package dev.breakglass.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

/**
 * A tiny OpenID-Connect-shaped identity provider on loopback: a discovery document, a JWKS, and a
 * password login endpoint. It can be stopped and started again on the same port to play an outage.
 */
final class DemoIdentityProvider implements AutoCloseable {
  private final Map<String, String> passwords;
  private final int port;
  private HttpServer server;

  DemoIdentityProvider(Map<String, String> passwords) throws IOException {
    this.passwords = Map.copyOf(passwords);
    this.server = start(0);
    this.port = server.getAddress().getPort();
  }

  String issuer() {
    return "http://127.0.0.1:" + port;
  }

  synchronized void stop() {
    server.stop(0);
  }

  synchronized void restart() throws IOException {
    server = start(port);
  }

  @Override
  public synchronized void close() {
    server.stop(0);
  }

  private HttpServer start(int onPort) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
    s.createContext("/.well-known/openid-configuration", ex -> {
      String iss = "http://127.0.0.1:" + s.getAddress().getPort();
      send(ex, 200, "{\"issuer\":\"" + iss + "\",\"authorization_endpoint\":\"" + iss + "/authorize\","
          + "\"token_endpoint\":\"" + iss + "/token\",\"jwks_uri\":\"" + iss + "/jwks\"}");
    });
    s.createContext("/jwks", ex -> send(ex, 200,
        "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"demo\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}"));
    s.createContext("/login", this::login);
    s.start();
    return s;
  }

  private void login(HttpExchange ex) throws IOException {
    Map<String, String> form = new HashMap<>();
    try (InputStream in = ex.getRequestBody()) {
      for (String pair : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    String expected = passwords.get(form.getOrDefault("username", ""));
    String given = form.getOrDefault("password", "");
    boolean ok = expected != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8));
    send(ex, ok ? 200 : 401, ok ? "{\"sub\":\"" + form.get("username") + "\"}" : "{\"error\":\"invalid_grant\"}");
  }

  private static void send(HttpExchange ex, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}

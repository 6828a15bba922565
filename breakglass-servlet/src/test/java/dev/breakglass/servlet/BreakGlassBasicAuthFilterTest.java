package dev.breakglass.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.PrimaryUnavailableException;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.Severity;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter on a real Jetty 12 server on a loopback port, driven with real HTTP requests. */
class BreakGlassBasicAuthFilterTest {
  private static final String STAGED = "app-admin-secret";

  @TempDir Path dir;

  private final List<Alert> alerts = new CopyOnWriteArrayList<>();
  private final AtomicBoolean directoryDown = new AtomicBoolean();
  private final HttpClient http = HttpClient.newHttpClient();
  private EncryptedFileVault vault;
  private BreakGlass breakGlass;
  private Server server;
  private URI base;

  /** The application's own user directory: bob with his password, unreachable when "down". */
  private final Authenticator directory = attempt -> {
    if (directoryDown.get()) {
      throw new PrimaryUnavailableException("directory unreachable");
    }
    if (attempt.username().equals("bob") && new String(attempt.secret()).equals("bob-password")) {
      return AuthenticatedPrincipal.of("bob");
    }
    throw new AuthenticationFailedException("rejected");
  };

  @BeforeEach
  void start() throws Exception {
    vault = EncryptedFileVault.create(dir.resolve("vault.json"), "a vault passphrase".toCharArray(),
        Argon2Parameters.recommended());
    vault.write("app-admin", STAGED.toCharArray());
    breakGlass = BreakGlassEngine.builder()
        .policy(BreakGlassPolicy.builder()
            .account(AccountPolicy.builder("app-admin").requesters("alice").build())
            .incidentDeclarers("sre-lead").build())
        .dataDirectory(dir)
        .vault(vault)
        .alertChannel(new AlertChannel() {
          @Override
          public String name() {
            return "recording";
          }

          @Override
          public void deliver(Alert alert) {
            alerts.add(alert);
          }
        })
        .background(false)
        .build();

    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(BreakGlassBasicAuthFilter.builder(breakGlass.guard(directory))
        .realm("ops").roles((who, role) -> role.equals("USER")).build()), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new WhoAmI()), "/*");
    server.setHandler(context);
    server.start();
    base = URI.create("http://" + connector.getHost() + ":" + connector.getLocalPort());
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
    breakGlass.close();
    vault.close();
  }

  /** Echoes what the application sees of the signed-in user. */
  static final class WhoAmI extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      AuthenticatedPrincipal who = (AuthenticatedPrincipal) req.getAttribute(BreakGlassBasicAuthFilter.PRINCIPAL_ATTRIBUTE);
      resp.setContentType("text/plain");
      resp.getWriter().print(req.getRemoteUser() + " principal=" + req.getUserPrincipal().getName()
          + " emergency=" + who.isEmergencyAccess() + " USER=" + req.isUserInRole("USER")
          + " BREAK_GLASS=" + req.isUserInRole("BREAK_GLASS") + " auth=" + req.getAuthType());
    }
  }

  private HttpResponse<String> get(String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/whoami")).GET();
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void normalUserSignsInWithTheirRoles() throws Exception {
    HttpResponse<String> response = get(basic("bob", "bob-password"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("bob principal=bob emergency=false USER=true BREAK_GLASS=false auth=BASIC");
  }

  @Test
  void missingOrWrongCredentialsAreChallenged() throws Exception {
    for (String authorization : new String[] {null, basic("bob", "wrong"), "Basic !!!not-base64", "Bearer abc",
        "Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8))}) {
      HttpResponse<String> response = get(authorization);
      assertThat(response.statusCode()).as(String.valueOf(authorization)).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"ops\", charset=\"UTF-8\"");
    }
  }

  @Test
  void breakGlassAccountOutsideAnEmergencyIsRefusedWithACriticalAlert() throws Exception {
    HttpResponse<String> response = get(basic("app-admin", STAGED));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).doesNotContain("emergency");
    awaitAlert(Severity.CRITICAL, AuditEventType.USE_OUTSIDE_EMERGENCY);
  }

  @Test
  void breakGlassAccountDuringAnEmergencyGetsTheEmergencyPrincipalAndRoleOnly() throws Exception {
    breakGlass.declareIncident("sre-lead", "directory outage");
    directoryDown.set(true);
    EmergencyAccessGrant grant = breakGlass.requestAccess(AccessRequest.builder().requester("alice")
        .account("app-admin").reason("directory outage").duration(Duration.ofMinutes(5)).build());
    String secret;
    try (Credential credential = grant.releaseCredential()) {
      secret = new String(credential.secret());
    }

    HttpResponse<String> response = get(basic("app-admin", secret));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo("app-admin principal=app-admin emergency=true USER=false BREAK_GLASS=true auth=BASIC");
    awaitAlert(Severity.HIGH, AuditEventType.EMERGENCY_LOGIN);

    assertThat(get(basic("app-admin", "not-it")).statusCode()).isEqualTo(401);
    assertThat(get(basic("bob", "bob-password")).statusCode()).isEqualTo(503);

    breakGlass.revoke(grant.id(), "sre-lead", "done");
    assertThat(get(basic("app-admin", secret)).statusCode()).isEqualTo(401);
  }

  @Test
  void badRealmOrRoleIsRejectedWithTheValue() {
    Authenticator guard = breakGlass.guard(directory);
    assertThatThrownBy(() -> BreakGlassBasicAuthFilter.builder(guard).realm("a\"b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a\"b");
    assertThatThrownBy(() -> BreakGlassBasicAuthFilter.builder(guard).emergencyRole(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("emergencyRole");
  }

  @Test
  void decodesUtf8AndColonsInTheSecret() {
    var attempt = BreakGlassBasicAuthFilter.decode(Base64.getEncoder().encodeToString(
        "jürgen:pa:ss wörd".getBytes(StandardCharsets.UTF_8)), "10.0.0.1");
    assertThat(attempt).isNotNull();
    assertThat(attempt.username()).isEqualTo("jürgen");
    assertThat(new String(attempt.secret())).isEqualTo("pa:ss wörd");
    assertThat(attempt.clientAddress()).isEqualTo("10.0.0.1");
    assertThat(BreakGlassBasicAuthFilter.decode(Base64.getEncoder().encodeToString(":secret".getBytes(
        StandardCharsets.UTF_8)), null)).isNull();
    assertThat(BreakGlassBasicAuthFilter.decode(Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, ':'}),
        null)).isNull();
  }

  private void awaitAlert(Severity severity, AuditEventType type) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      if (alerts.stream().anyMatch(a -> a.severity() == severity && a.type() == type)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + severity + " " + type + " alert; got " + alerts.stream()
        .map(a -> Map.entry(a.severity(), a.type())).toList());
  }
}

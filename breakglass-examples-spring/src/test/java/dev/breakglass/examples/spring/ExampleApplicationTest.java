package dev.breakglass.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.Credential;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.Severity;
import dev.breakglass.spring.boot.BreakGlassAuditEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example application on a real server on a random port, driven over real HTTP: normal users,
 * break-glass sign-in outside and during an emergency (form login and HTTP basic), the actuator
 * endpoints, metrics and application events after a scripted incident.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExampleApplicationTest {
  private static final Path DATA = Path.of("target", "spring-example-test-" + UUID.randomUUID()).toAbsolutePath();
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @DynamicPropertySource
  static void dataDirectory(DynamicPropertyRegistry registry) throws IOException {
    ExampleApplication.preparePassphrase(DATA);
    registry.add("breakglass.data-directory", DATA::toString);
  }

  @TestConfiguration
  static class Recorders {
    @Bean
    RecordingChannel recordingChannel() {
      return new RecordingChannel();
    }

    @Bean
    EventRecorder eventRecorder() {
      return new EventRecorder();
    }
  }

  /** An alert channel as a pager would be: the starter hands it to the engine. */
  static final class RecordingChannel implements AlertChannel {
    final List<Alert> alerts = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public void deliver(Alert alert) {
      alerts.add(alert);
    }

    long count(Severity severity, AuditEventType type) {
      return alerts.stream().filter(a -> a.severity() == severity && a.type() == type).count();
    }
  }

  static final class EventRecorder {
    final List<AuditEventType> types = new CopyOnWriteArrayList<>();

    @EventListener
    void on(BreakGlassAuditEvent event) {
      types.add(event.type());
    }
  }

  @LocalServerPort int port;
  @Autowired BreakGlass breakGlass;
  @Autowired SimulatedIdentityProvider idp;
  @Autowired RecordingChannel channel;
  @Autowired EventRecorder events;
  @Autowired MeterRegistry meters;

  @AfterEach
  void identityProviderBackAndEmergencyOver() {
    idp.start();
    if (breakGlass.emergencyState().incident() != null) {
      breakGlass.closeIncident("sre-lead", "test over");
    }
    await().atMost(PATIENCE).until(() -> !breakGlass.emergencyState().isEmergency());
  }

  @Test
  @Order(1)
  void normalUsersSignInAsBefore() throws Exception {
    Browser bob = new Browser();
    assertThat(bob.formLogin("bob", "bob-password")).isEqualTo("/");
    assertThat(bob.get("/").body()).isEqualTo("signed in as bob\n");
    assertThat(bob.get("/emergency/console").statusCode()).isEqualTo(403);

    assertThat(basic("GET", "/", "bob", "bob-password").body()).isEqualTo("signed in as bob\n");
    assertThat(basic("GET", "/", "bob", "wrong").statusCode()).isEqualTo(401);
    assertThat(new Browser().formLogin("bob", "wrong")).isEqualTo("/login?error");
  }

  @Test
  @Order(2)
  void breakGlassAccountOutsideAnEmergencyIsRefusedWithACriticalAlert() throws Exception {
    assertThat(breakGlass.emergencyState().isEmergency()).isFalse();
    long before = channel.count(Severity.CRITICAL, AuditEventType.USE_OUTSIDE_EMERGENCY);

    assertThat(new Browser().formLogin("app-admin", "a-guess")).isEqualTo("/login?error");
    assertThat(basic("GET", "/", "app-admin", "another-guess").statusCode()).isEqualTo(401);

    // Both attempts are audited; the first raises the CRITICAL alert at once, later ones in the same
    // minute join the summary of refused logins (a storm raises one alert, not thousands).
    await().atMost(PATIENCE).until(() ->
        channel.count(Severity.CRITICAL, AuditEventType.USE_OUTSIDE_EMERGENCY) == before + 1);
    assertThat(events.types).filteredOn(t -> t == AuditEventType.USE_OUTSIDE_EMERGENCY).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  @Order(3)
  void actuatorEndpointsArePresentAndTheirWritesNeedAnAuthorizedCaller() throws Exception {
    HttpResponse<String> health = send(HttpRequest.newBuilder(uri("/actuator/health")).GET());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"breakglass\":{").contains("\"emergency\":false");

    assertThat(send(HttpRequest.newBuilder(uri("/actuator/breakglass")).GET()).statusCode()).isEqualTo(401);
    assertThat(basic("GET", "/actuator/breakglass", "bob", "bob-password").body())
        .contains("\"emergency\":false").contains("\"openGrants\":[]");

    HttpResponse<String> anonymousDeclare = send(HttpRequest.newBuilder(uri("/actuator/breakglass/declare"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"test\"}")));
    assertThat(anonymousDeclare.statusCode()).isEqualTo(401);
    HttpResponse<String> anonymousRevoke = send(HttpRequest.newBuilder(uri("/actuator/breakglass/some-grant"))
        .DELETE());
    assertThat(anonymousRevoke.statusCode()).isEqualTo(401);
    assertThat(breakGlass.emergencyState().isEmergency()).isFalse();

    HttpResponse<String> bobDeclares = basicJson("POST", "/actuator/breakglass/declare", "bob", "bob-password",
        "{\"reason\":\"test\"}");
    assertThat(bobDeclares.statusCode()).isEqualTo(403);
    assertThat(bobDeclares.body()).contains("NOT_AUTHORIZED");
    assertThat(breakGlass.emergencyState().isEmergency()).isFalse();
  }

  @Test
  @Order(4)
  void identityProviderOutageThenBreakGlassSignInEndToEnd() throws Exception {
    double logins = count("breakglass.logins", "outcome", "success");
    double refusedLogins = count("breakglass.logins", "outcome", "refused", "reason", "INVALID_CREDENTIALS");
    double requests = count("breakglass.requests");
    double grants = count("breakglass.grants");
    double releases = count("breakglass.releases");
    double closed = count("breakglass.grants.ended", "status", "closed");
    long appends = meters.get("breakglass.audit.append").tag("outcome", "success").timer().count();

    idp.stop();
    await().atMost(PATIENCE).until(() -> breakGlass.emergencyState().isEmergency());
    assertThat(gauge("breakglass.emergency")).isEqualTo(1.0);
    assertThat(gauge("breakglass.primary.healthy")).isEqualTo(0.0);
    HttpResponse<String> health = send(HttpRequest.newBuilder(uri("/actuator/health")).GET());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"emergency\":true");
    assertThat(basic("GET", "/", "bob", "bob-password").statusCode()).isEqualTo(401);

    char[] secret = grantAndRelease("IdP outage: users cannot sign in");
    EmergencyAccessGrant grant = breakGlass.openGrants().get(0);
    assertThat(gauge("breakglass.grants.open")).isEqualTo(1.0);

    Browser alice = new Browser();
    assertThat(alice.formLogin("app-admin", new String(secret))).isEqualTo("/");
    assertThat(alice.get("/").body()).startsWith("signed in as app-admin with EMERGENCY ACCESS (grant " + grant.id()
        + ", requested by alice");
    assertThat(alice.get("/emergency/console").statusCode()).isEqualTo(200);
    assertThat(basic("GET", "/emergency/console", "app-admin", new String(secret)).statusCode()).isEqualTo(200);
    assertThat(basic("GET", "/", "app-admin", "not-the-released-secret").statusCode()).isEqualTo(401);
    HttpResponse<String> state = basic("GET", "/actuator/breakglass", "app-admin", new String(secret));
    assertThat(state.body()).contains("\"emergency\":true").contains(grant.id()).contains("\"requester\":\"alice\"")
        .doesNotContain(new String(secret));

    assertThat(count("breakglass.logins", "outcome", "success") - logins).isEqualTo(3.0);
    assertThat(count("breakglass.logins", "outcome", "refused", "reason", "INVALID_CREDENTIALS") - refusedLogins)
        .isEqualTo(1.0);
    assertThat(count("breakglass.requests") - requests).isEqualTo(1.0);
    assertThat(count("breakglass.grants") - grants).isEqualTo(1.0);
    assertThat(count("breakglass.releases") - releases).isEqualTo(1.0);
    assertThat(meters.get("breakglass.audit.append").tag("outcome", "success").timer().count() - appends)
        .isGreaterThanOrEqualTo(9);
    await().atMost(PATIENCE).until(() -> meters.find("breakglass.alerts").tag("outcome", "delivered").counters()
        .stream().mapToDouble(Counter::count).sum() > 0);
    assertThat(events.types).contains(AuditEventType.EMERGENCY_OPENED, AuditEventType.ACCESS_REQUESTED,
        AuditEventType.APPROVAL_ACCEPTED, AuditEventType.GRANT_ISSUED, AuditEventType.CREDENTIAL_RELEASED,
        AuditEventType.EMERGENCY_LOGIN, AuditEventType.EMERGENCY_LOGIN_REFUSED);

    idp.start();
    await().atMost(PATIENCE).until(() -> !breakGlass.emergencyState().isEmergency());
    await().atMost(PATIENCE).until(() -> grant.status() == GrantStatus.CLOSED);
    HttpResponse<String> afterwards = alice.get("/");
    assertThat(afterwards.statusCode()).isEqualTo(302);
    assertThat(afterwards.headers().firstValue("Location").orElseThrow()).endsWith("/login");
    assertThat(count("breakglass.grants.ended", "status", "closed") - closed).isEqualTo(1.0);
    assertThat(gauge("breakglass.emergency")).isEqualTo(0.0);
    assertThat(gauge("breakglass.grants.open")).isEqualTo(0.0);
    assertThat(gauge("breakglass.accounts.tainted")).isEqualTo(0.0);
    assertThat(events.types).contains(AuditEventType.EMERGENCY_CLOSED, AuditEventType.GRANT_CLOSED);
    java.util.Arrays.fill(secret, '\0');
  }

  @Test
  @Order(5)
  void incidentDeclaredAndGrantRevokedThroughTheActuator() throws Exception {
    HttpResponse<String> declared = basicJson("POST", "/actuator/breakglass/declare", "sre-lead",
        "sre-lead-password", "{\"reason\":\"suspected IdP compromise\"}");
    assertThat(declared.statusCode()).isEqualTo(200);
    assertThat(breakGlass.emergencyState().incident()).isNotNull();
    assertThat(gauge("breakglass.incident.declared")).isEqualTo(1.0);

    char[] secret = grantAndRelease("IdP may be compromised");
    String grantId = breakGlass.openGrants().get(0).id();
    Browser alice = new Browser();
    assertThat(alice.formLogin("app-admin", new String(secret))).isEqualTo("/");
    assertThat(alice.get("/emergency/console").statusCode()).isEqualTo(200);

    HttpResponse<String> revoked = basic("DELETE", "/actuator/breakglass/" + grantId + "?reason=done",
        "sre-lead", "sre-lead-password");
    assertThat(revoked.statusCode()).isEqualTo(200);
    assertThat(revoked.body()).contains("REVOKED");
    HttpResponse<String> afterRevoke = alice.get("/emergency/console");
    assertThat(afterRevoke.statusCode()).isEqualTo(302);
    assertThat(basic("GET", "/", "app-admin", new String(secret)).statusCode()).isEqualTo(401);

    HttpResponse<String> closedIncident = basicJson("POST", "/actuator/breakglass/close", "sre-lead",
        "sre-lead-password", "{\"reason\":\"all clear\"}");
    assertThat(closedIncident.statusCode()).isEqualTo(200);
    assertThat(breakGlass.emergencyState().isEmergency()).isFalse();
    java.util.Arrays.fill(secret, '\0');
  }

  /** alice asks for app-admin, carol and dave approve, the credential is released once. */
  private char[] grantAndRelease(String reason) {
    EmergencyAccessGrant grant = breakGlass.requestAccess(AccessRequest.builder()
        .requester("alice").account("app-admin").reason(reason).ticket("INC-1")
        .duration(Duration.ofMinutes(10)).build());
    breakGlass.approve(Approval.of(grant, "carol"));
    breakGlass.approve(Approval.of(grant, "dave"));
    assertThat(grant.status()).isEqualTo(GrantStatus.ACTIVE);
    try (Credential credential = grant.releaseCredential()) {
      return credential.secret().clone();
    }
  }

  private double count(String name, String... tags) {
    Counter c = meters.find(name).tags(tags).counter();
    return c == null ? 0 : meters.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }

  private double gauge(String name) {
    return meters.get(name).gauge().value();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private final HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return plain.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> basic(String method, String path, String user, String password)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Authorization", basicHeader(user, password))
        .method(method, HttpRequest.BodyPublishers.noBody()));
  }

  private HttpResponse<String> basicJson(String method, String path, String user, String password, String json)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Authorization", basicHeader(user, password))
        .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json)));
  }

  private static String basicHeader(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** A browser: keeps its session cookie, fills in the login form with its CSRF token. */
  private final class Browser {
    private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).build();

    /** Submits the login form; answers the path the application redirects to. */
    String formLogin(String user, String password) throws IOException, InterruptedException {
      HttpResponse<String> page = get("/login");
      assertThat(page.statusCode()).isEqualTo(200);
      Matcher csrf = Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"").matcher(page.body());
      assertThat(csrf.find()).as("CSRF token on the login page").isTrue();
      String form = "username=" + enc(user) + "&password=" + enc(password) + "&_csrf=" + enc(csrf.group(1));
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/login"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(302);
      return URI.create(response.headers().firstValue("Location").orElseThrow()).getPath()
          + (URI.create(response.headers().firstValue("Location").orElseThrow()).getQuery() == null ? ""
          : "?" + URI.create(response.headers().firstValue("Location").orElseThrow()).getQuery());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
      return client.send(HttpRequest.newBuilder(uri(path)).header("Accept", "text/html").GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }

    private String enc(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
  }
}

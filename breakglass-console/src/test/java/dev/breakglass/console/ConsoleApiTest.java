package dev.breakglass.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessRequest;
import dev.breakglass.AccountPolicy;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.CustodianKey;
import dev.breakglass.Decision;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditLogReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's JSON API over real HTTP on loopback, with software security keys: each refusal of
 * a signed decision arrives with its reason code (an assertion made for another request, an answer
 * to no challenge, an unregistered key, a wrong origin, a counter going backwards), and the
 * protections every response carries (CSP, cookie attributes, CSRF).
 */
class ConsoleApiTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");

  @TempDir Path dir;
  Server server;
  ServletContextHandler context;
  ConsoleInChromiumTest.MapVault vault;
  BreakGlass engine;
  String origin;
  String base;
  SoftKey carolKey;
  KeyPair dave;
  String keyId;
  EmergencyAccessGrant a;
  EmergencyAccessGrant b;

  /** One client's session: the console cookie and the CSRF token of the last page. */
  final class Client {
    final HttpClient http = HttpClient.newHttpClient();
    String cookie = "";
    String csrf = "";
    HttpResponse<String> last;

    HttpResponse<String> get(String path) throws Exception {
      HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).GET();
      if (!cookie.isEmpty()) {
        r.header("Cookie", cookie);
      }
      last = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
      remember();
      Matcher m = CSRF.matcher(last.body());
      if (m.find()) {
        csrf = m.group(1);
      }
      return last;
    }

    JsonNode post(String path, Map<String, ?> body) throws Exception {
      HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      if (!csrf.isEmpty()) {
        r.header("X-CSRF-Token", csrf);
      }
      if (!cookie.isEmpty()) {
        r.header("Cookie", cookie);
      }
      last = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
      remember();
      return JSON.readTree(last.body());
    }

    /** Posts an HTML form (with this session's CSRF token), as a browser does. */
    HttpResponse<String> form(String path, Map<String, String> fields) throws Exception {
      StringBuilder body = new StringBuilder("csrf=").append(URLEncoder.encode(csrf, StandardCharsets.UTF_8));
      fields.forEach((k, v) -> body.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
      HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
      if (!cookie.isEmpty()) {
        r.header("Cookie", cookie);
      }
      last = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
      remember();
      return last;
    }

    private void remember() {
      last.headers().firstValue("Set-Cookie").ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
    }

    void signIn(String who, SoftKey key) throws Exception {
      get("/signin");
      JsonNode options = post("/signin/options", Map.of("user", who));
      JsonNode done = post("/signin/finish", key.answer(options.path("challenge").asString(), origin, "localhost"));
      assertThat(done.path("user").asString()).as(last.body()).isEqualTo(who);
      get("/");
    }

    /** Asks for the challenge of a decision on {@code g}; returns it. */
    String options(EmergencyAccessGrant g) throws Exception {
      JsonNode o = post("/requests/" + g.id() + "/options", Map.of("decision", "approve"));
      assertThat(last.statusCode()).as(last.body()).isEqualTo(200);
      return o.path("challenge").asString();
    }

    JsonNode decide(EmergencyAccessGrant g, Map<String, String> answer) throws Exception {
      return post("/requests/" + g.id() + "/decide", answer);
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    context = new ServletContextHandler();
    server.setHandler(context);
    server.start();
    origin = "http://localhost:" + connector.getLocalPort();
    base = origin + "/breakglass";
    vault = new ConsoleInChromiumTest.MapVault();
    vault.write("prod-db-admin", "one".toCharArray());
    vault.write("prod-backup", "two".toCharArray());
    engine = openEngine();
    context.addServlet(new ServletHolder(new BreakGlassConsole(engine,
        ConsoleSettings.builder("localhost").origin(origin).build())), "/breakglass/*");
    carolKey = new SoftKey();
    engine.custodianKeys().register(carolKey.custodianKey("carol", "localhost"), "carol");
    dave = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    keyId = engine.custodianKeys().register(CustodianKey.raw("dave", ApprovalSignature.Kind.ED25519,
        dave.getPublic().getEncoded(), "dave's key file"), "dave").keyId();
    engine.declareIncident("carol", "IdP down");
    a = engine.requestAccess(AccessRequest.builder().requester("alice").account("prod-db-admin").reason("outage")
        .duration(Duration.ofMinutes(20)).build());
    b = engine.requestAccess(AccessRequest.builder().requester("alice").account("prod-backup").reason("outage")
        .duration(Duration.ofMinutes(20)).build());
  }

  /** The engine on {@code dir}; called again after {@code close()}, a restart. */
  private BreakGlass openEngine() {
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("prod-db-admin").requesters("alice").custodians("carol", "dave").approvals(2)
            .maxDuration(Duration.ofMinutes(60)).build())
        .account(AccountPolicy.builder("prod-backup").requesters("alice").custodians("carol", "dave").approvals(2)
            .maxDuration(Duration.ofMinutes(60)).build())
        .incidentDeclarers("carol").build();
    return BreakGlassEngine.builder().policy(policy).dataDirectory(dir).vault(vault).background(false)
        .property("approval-signatures", "webauthn").property("approval-signature.webauthn.rp-id", "localhost")
        .property("approval-signature.webauthn.origins", origin).build();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
    engine.close();
  }

  private static String code(JsonNode problem) {
    return problem.path("code").asString();
  }

  @Test
  void everyResponseCarriesAStrictPolicyAndTheCookieIsLockedDown() throws Exception {
    Client c = new Client();
    HttpResponse<String> home = c.get("/");
    String csp = home.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(home.headers().firstValue("Set-Cookie").orElseThrow())
        .startsWith(ConsoleSessions.COOKIE + "=").contains("; Secure", "; HttpOnly", "; SameSite=Strict");
    assertThat(home.body()).doesNotContain("<script>").doesNotContain(" style=").doesNotContain(" onclick=");
  }

  @Test
  void aChangeWithoutTheSessionsCsrfTokenIsRefused() throws Exception {
    Client c = new Client();
    c.get("/signin");
    c.csrf = "";
    JsonNode refused = c.post("/signin/options", Map.of("user", "carol"));
    assertThat(c.last.statusCode()).isEqualTo(403);
    assertThat(code(refused)).isEqualTo("CSRF");
  }

  @Test
  void carolRemovesHerOwnKeyWhileTheIdentityProviderIsDownButNotAnothersAndBothAreAudited() throws Exception {
    Client c = new Client();
    c.signIn("carol", carolKey);
    String page = c.get("/keys").body();
    String carols = engine.custodianKeys().keys("carol").get(0).keyId();
    assertThat(page).contains(carols, "Why remove carol&#39;s key").doesNotContain("id=\"register\"");

    assertThat(c.form("/keys/remove", Map.of("keyId", keyId, "reason", "not mine")).statusCode()).isEqualTo(403);
    assertThat(c.last.body()).contains("KEY_NOT_REGISTERED");
    assertThat(engine.custodianKeys().keys("dave")).hasSize(1);

    assertThat(c.form("/keys/remove", Map.of("keyId", carols, "reason", "lost on the train")).statusCode())
        .isEqualTo(302);
    assertThat(c.get("/keys").body()).contains("Key " + carols + " removed.").contains("None registered.");
    assertThat(engine.custodianKeys().keys("carol")).isEmpty();
    // without the key, her next decision is refused
    Client again = new Client();
    again.get("/signin");
    assertThat(code(again.post("/signin/options", Map.of("user", "carol")))).isEqualTo("KEY_NOT_REGISTERED");

    engine.close();
    List<AuditEvent> events = AuditLogReader.readEvents(dir.resolve("audit"));
    assertThat(events).filteredOn(e -> e.type() == AuditEventType.CUSTODIAN_KEY_REMOVED).singleElement()
        .satisfies(e -> {
          assertThat(e.actor()).isEqualTo("carol");
          assertThat(e.details()).containsEntry("keyId", carols).containsEntry("reason", "lost on the train");
        });
    assertThat(events).filteredOn(e -> e.type() == AuditEventType.ACCESS_DENIED
        && "remove-custodian-key".equals(e.details().get("operation"))).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("reason", "KEY_NOT_REGISTERED"));
    engine = openEngine();   // for stop()
  }

  @Test
  void carolSignsInWithHerKeyAloneAndHerSignedApprovalCounts() throws Exception {
    Client c = new Client();
    c.signIn("carol", carolKey);
    JsonNode ok = c.decide(a, carolKey.answer(c.options(a), origin, "localhost"));
    assertThat(c.last.statusCode()).as(c.last.body()).isEqualTo(200);
    assertThat(ok.path("approvals").asInt()).isEqualTo(1);
    assertThat(engine.grant(a.id()).orElseThrow().status()).isEqualTo(GrantStatus.PENDING_APPROVAL);
  }

  @Test
  void anAssertionMadeForAnotherRequestIsRefusedAsReplayed() throws Exception {
    Client c = new Client();
    c.signIn("carol", carolKey);
    Map<String, String> forA = carolKey.answer(c.options(a), origin, "localhost");
    c.options(b);
    assertThat(code(c.decide(b, forA))).isEqualTo("ASSERTION_REPLAYED");
    assertThat(c.last.statusCode()).isEqualTo(403);
    // And an answer to no outstanding challenge (the same assertion sent again).
    assertThat(code(c.decide(a, forA))).isEqualTo("ASSERTION_REPLAYED");
    assertThat(engine.grant(a.id()).orElseThrow().approvals()).isEmpty();
    assertThat(engine.grant(b.id()).orElseThrow().approvals()).isEmpty();
  }

  @Test
  void anUnregisteredKeyIsRefused() throws Exception {
    Client c = new Client();
    c.signIn("carol", carolKey);
    SoftKey stranger = new SoftKey();
    assertThat(code(c.decide(a, stranger.answer(c.options(a), origin, "localhost")))).isEqualTo("KEY_NOT_REGISTERED");
    Client d = new Client();
    d.get("/signin");
    JsonNode noKeys = d.post("/signin/options", Map.of("user", "mallory"));
    assertThat(code(noKeys)).isEqualTo("KEY_NOT_REGISTERED");
  }

  @Test
  void aWrongOriginOrRpIdIsRefused() throws Exception {
    Client c = new Client();
    c.signIn("carol", carolKey);
    assertThat(code(c.decide(a, carolKey.answer(c.options(a), "https://evil.example", "localhost"))))
        .isEqualTo("WRONG_ORIGIN");
    assertThat(code(c.decide(a, carolKey.answer(c.options(a), origin, "evil.example")))).isEqualTo("WRONG_ORIGIN");
  }

  @Test
  void aSignatureCounterGoingBackwardsIsRefusedAsAClonedKey() throws Exception {
    Client c = new Client();
    c.signIn("carol", carolKey);
    assertThat(c.decide(a, carolKey.answer(c.options(a), origin, "localhost", 10)).has("status")).isTrue();
    assertThat(code(c.decide(b, carolKey.answer(c.options(b), origin, "localhost", 5))))
        .isEqualTo("SIGNATURE_COUNTER_REGRESSED");
    // The clone cannot sign in either.
    Client clone = new Client();
    clone.get("/signin");
    JsonNode options = clone.post("/signin/options", Map.of("user", "carol"));
    JsonNode refused = clone.post("/signin/finish",
        carolKey.answer(options.path("challenge").asString(), origin, "localhost", 3));
    assertThat(code(refused)).isEqualTo("SIGNATURE_COUNTER_REGRESSED");
    assertThat(clone.get("/").body()).doesNotContain("Signed in as");
  }

  @Test
  void aSignInCounterIsKeptAcrossARestartSoALaggingCloneIsStillRefused() throws Exception {
    Client c = new Client();
    c.get("/signin");
    JsonNode options = c.post("/signin/options", Map.of("user", "carol"));
    assertThat(c.post("/signin/finish", carolKey.answer(options.path("challenge").asString(), origin, "localhost", 20))
        .path("user").asString()).as(c.last.body()).isEqualTo("carol");

    engine.close();
    engine = openEngine();
    context.addServlet(new ServletHolder(new BreakGlassConsole(engine,
        ConsoleSettings.builder("localhost").origin(origin).build())), "/restarted/*");
    base = origin + "/restarted";
    Client clone = new Client();
    clone.get("/signin");
    options = clone.post("/signin/options", Map.of("user", "carol"));
    assertThat(code(clone.post("/signin/finish",
        carolKey.answer(options.path("challenge").asString(), origin, "localhost", 19)))).isEqualTo("SIGNATURE_COUNTER_REGRESSED");
    assertThat(clone.get("/").body()).doesNotContain("Signed in as");
    Client carol = new Client();
    carol.get("/signin");
    options = carol.post("/signin/options", Map.of("user", "carol"));
    assertThat(carol.post("/signin/finish", carolKey.answer(options.path("challenge").asString(), origin, "localhost",
        21)).path("user").asString()).isEqualTo("carol");
  }

  @Test
  void aDecisionSignedWithAKeyFileIsPostedAsTextAndBoundToItsRequest() throws Exception {
    ApprovalStatement st = ApprovalStatement.of(a.id(), a.requestDigest(), "dave", Decision.APPROVE, Instant.now());
    Signature ed = Signature.getInstance("Ed25519");
    ed.initSign(dave.getPrivate());
    ed.update(st.bytes());
    ApprovalSignature sig = ApprovalSignature.raw(ApprovalSignature.Kind.ED25519, keyId, st.signedAt(), ed.sign());
    // What 'breakglass approve' prints and posts.
    String text = SignedDecisions.HEADER + "\ngrant: " + a.id() + "\nrequest-digest: " + a.requestDigest()
        + "\ncustodian: dave\ndecision: approve\n" + sig.toText();
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + "/api/decisions"))
        .header("Content-Type", "text/plain; charset=utf-8").POST(HttpRequest.BodyPublishers.ofString(text)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    assertThat(posted.body()).contains(a.id(), "1 of 2");

    // The same signature moved onto the other request: its statement is another request's digest.
    String moved = text.replace(a.id(), b.id()).replace(a.requestDigest(), b.requestDigest());
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/api/decisions"))
        .POST(HttpRequest.BodyPublishers.ofString(moved)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).startsWith("SIGNATURE_INVALID:");
    assertThat(engine.grant(b.id()).orElseThrow().approvals()).isEmpty();

    HttpResponse<String> garbage = http.send(HttpRequest.newBuilder(URI.create(base + "/api/decisions"))
        .POST(HttpRequest.BodyPublishers.ofString("approve please")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.body()).contains(SignedDecisions.HEADER);
  }
}

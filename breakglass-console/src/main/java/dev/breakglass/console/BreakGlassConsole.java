package dev.breakglass.console;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassException;
import dev.breakglass.Credential;
import dev.breakglass.CustodianKey;
import dev.breakglass.Decision;
import dev.breakglass.Denial;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.webauthn.WebAuthnRegistration;
import dev.breakglass.webauthn.WebAuthnSignatureVerifier;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The approval console, a servlet to mount under a path in any servlet container:
 *
 * <pre>{@code
 * BreakGlassConsole console = new BreakGlassConsole(breakGlass,
 *     ConsoleSettings.builder("ops.example.com").origin("https://ops.example.com").build());
 * context.addServlet(new ServletHolder(console), "/breakglass/*");     // Jetty; or ServletRegistration
 * }</pre>
 *
 * <p>Requesters file requests; custodians see everything their signature covers and approve or
 * deny by touching their security key (a WebAuthn assertion whose challenge is the approval
 * statement's digest, verified by the engine); everyone sees open grants and their time left;
 * signed-in users revoke grants and declare or close incidents (the engine checks who may). Users
 * (requesters as well as custodians) register security keys while the host's normal sign-in works
 * ({@link ConsoleSettings#hostUser()}), sign in with the key alone when it does not, and remove
 * their own keys at any time. A sign-in's WebAuthn counter is recorded with the key
 * ({@link dev.breakglass.CustodianKeys#recordSignCount}), so a cloned key is refused across restarts.
 *
 * <p>Every response carries a strict Content-Security-Policy (no inline script or style), every
 * state-changing request needs the session's CSRF token, the session cookie is {@code Secure},
 * {@code HttpOnly} and {@code SameSite=Strict}, and every value on a page is escaped. Refusals are
 * answered with the engine's reason code. Decisions signed with a key file or PKCS#11 token
 * ({@code breakglass approve --post <console URL>}) are posted as text to {@code /api/decisions}.
 * The engine needs {@code approval-signatures=webauthn} with
 * the same RP id and origins.
 */
public final class BreakGlassConsole extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
      + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final transient BreakGlass engine;
  private final transient ConsoleSettings settings;
  private final transient ConsoleSessions sessions;
  private final transient ConsolePages pages;
  private final transient WebAuthnRegistration registration;
  private final transient WebAuthnSignatureVerifier verifier;
  private final transient JsonMapper json = JsonMapper.builder().build();

  /** A console over {@code engine}. */
  public BreakGlassConsole(BreakGlass engine, ConsoleSettings settings) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.sessions = new ConsoleSessions(settings.idleTimeout());
    this.pages = new ConsolePages(engine, settings);
    this.registration = new WebAuthnRegistration(settings.rpId(), settings.origins(), settings.userVerification());
    this.verifier = WebAuthnSignatureVerifier.online(settings.rpId(), settings.origins(), settings.userVerification());
  }

  private static String path(HttpServletRequest req) {
    String p = req.getPathInfo();
    return p == null || p.isEmpty() ? "/" : p;
  }

  private static String base(HttpServletRequest req) {
    return req.getContextPath() + req.getServletPath();
  }

  private static void headers(HttpServletResponse resp) {
    resp.setHeader("Content-Security-Policy", CSP);
    resp.setHeader("X-Content-Type-Options", "nosniff");
    resp.setHeader("Referrer-Policy", "no-referrer");
    resp.setHeader("X-Frame-Options", "DENY");
    resp.setHeader("Cache-Control", "no-store");
  }

  /** The signed-in user: by security key in this session, else the host's normal sign-in. */
  private @Nullable String user(HttpServletRequest req, ConsoleSessions.Session s) {
    String u = s.user;
    return u != null ? u : settings.hostUser().apply(req);
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    headers(resp);
    String path = path(req);
    if (path.equals("/static/console.js") || path.equals("/static/console.css")) {
      asset(path.substring("/static/".length()), resp);
      return;
    }
    ConsoleSessions.Session s = sessions.session(req, resp);
    String user = user(req, s);
    String base = base(req);
    if (path.equals("/")) {
      html(resp, 200, pages.home(base, s, user));
    } else if (path.equals("/request")) {
      html(resp, 200, pages.requestForm(base, s, user));
    } else if (path.equals("/signin")) {
      html(resp, 200, pages.signIn(base, s, user));
    } else if (path.equals("/keys")) {
      html(resp, 200, pages.keys(base, s, user, settings.hostUser().apply(req)));
    } else if (path.startsWith("/requests/") && path.indexOf('/', 10) < 0) {
      Optional<EmergencyAccessGrant> g = engine.grant(path.substring(10));
      if (g.isEmpty()) {
        html(resp, 404, pages.error(base, s, user, "Not found", "There is no request " + path.substring(10) + "."));
      } else {
        html(resp, 200, pages.request(base, s, user, g.get(), null));
      }
    } else {
      html(resp, 404, pages.error(base, s, user, "Not found", "There is no page " + path + "."));
    }
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    headers(resp);
    if (path(req).equals("/api/decisions")) {
      signedDecision(req, resp);
      return;
    }
    ConsoleSessions.Session s = sessions.session(req, resp);
    String base = base(req);
    String path = path(req);
    boolean isJson = Optional.ofNullable(req.getContentType()).orElse("").startsWith("application/json");
    String token = isJson ? req.getHeader("X-CSRF-Token") : req.getParameter("csrf");
    if (!ConsoleSessions.csrfMatches(s, token)) {
      if (isJson) {
        problem(resp, 403, "CSRF", "the request lacks this session's CSRF token; reload the page");
      } else {
        html(resp, 403, pages.error(base, s, user(req, s), "Refused", "The form is stale or was not sent by this"
            + " console (CSRF token missing). Reload the page and try again."));
      }
      return;
    }
    try {
      if (isJson) {
        JsonNode body = json.readTree(req.getInputStream());
        json(req, resp, s, path, body);
      } else {
        form(req, resp, s, base, path);
      }
    } catch (AccessDeniedException e) {
      refuse(req, resp, s, isJson, e.code().name(), e.getMessage());
    } catch (BreakGlassException | IllegalArgumentException | IllegalStateException e) {
      refuse(req, resp, s, isJson, "INVALID", e.getMessage());
    } catch (tools.jackson.core.JacksonException e) {
      problem(resp, 400, "INVALID", "the request body is not JSON");
    }
  }

  /** A decision signed with a key file or token ({@link SignedDecisions}): the signature authenticates it. */
  private void signedDecision(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setContentType("text/plain;charset=utf-8");
    String text = new String(req.getInputStream().readNBytes(64 * 1024), StandardCharsets.UTF_8);
    String answer;
    try {
      EmergencyAccessGrant g = SignedDecisions.apply(engine, text);
      resp.setStatus(200);
      answer = g.id() + " " + g.status().name() + " (" + g.approvals().size() + " of " + g.approvalsRequired()
          + " approvals)";
    } catch (AccessDeniedException e) {
      resp.setStatus(403);
      answer = e.code().name() + ": " + e.getMessage();
    } catch (BreakGlassException | IllegalArgumentException e) {
      resp.setStatus(400);
      answer = "INVALID: " + e.getMessage();
    }
    resp.getOutputStream().write((answer + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private void refuse(HttpServletRequest req, HttpServletResponse resp, ConsoleSessions.Session s, boolean isJson,
      String code, @Nullable String message) throws IOException {
    String m = message == null ? code : message;
    if (isJson) {
      problem(resp, 403, code, m);
    } else {
      html(resp, 403, pages.error(base(req), s, user(req, s), "Refused", code + ": " + m));
    }
  }

  private void form(HttpServletRequest req, HttpServletResponse resp, ConsoleSessions.Session s, String base,
      String path) throws IOException {
    if (path.equals("/signout")) {
      sessions.end(s);
      sessions.start(req, resp).flash = "Signed out.";
      resp.sendRedirect(base + "/");
      return;
    }
    String user = user(req, s);
    if (user == null) {
      html(resp, 401, pages.error(base, s, null, "Sign in first", "Sign in with your security key first."));
      return;
    }
    String reason = Optional.ofNullable(req.getParameter("reason")).orElse("").strip();
    if (path.equals("/request")) {
      AccessRequest.Builder r = AccessRequest.builder().requester(user).account(param(req, "account")).reason(reason)
          .duration(Duration.ofMinutes(Long.parseLong(param(req, "minutes"))))
          .clientAddress(req.getRemoteAddr());
      String ticket = Optional.ofNullable(req.getParameter("ticket")).orElse("").strip();
      r.ticket(ticket.isEmpty() ? null : ticket);
      String id = Optional.ofNullable(req.getParameter("identification")).orElse("").strip();
      if (!id.isEmpty()) {
        r.identification("stated", id);
      }
      EmergencyAccessGrant g = engine.requestAccess(r.build());
      s.flash = "Request filed; custodians have been alerted.";
      resp.sendRedirect(base + "/requests/" + g.id());
    } else if (path.equals("/keys/remove")) {
      // The signed-in person removes their own key; the engine audits it, also during an emergency.
      String keyId = param(req, "keyId");
      engine.custodianKeys().remove(user, keyId, user, param(req, "reason"));
      s.flash = "Key " + keyId + " removed.";
      resp.sendRedirect(base + "/keys");
    } else if (path.equals("/incident/declare")) {
      engine.declareIncident(user, reason);
      s.flash = "Incident declared.";
      resp.sendRedirect(base + "/");
    } else if (path.equals("/incident/close")) {
      engine.closeIncident(user, reason);
      s.flash = "Incident closed.";
      resp.sendRedirect(base + "/");
    } else if (path.startsWith("/requests/") && path.endsWith("/revoke")) {
      String id = path.substring(10, path.length() - "/revoke".length());
      engine.revoke(id, user, reason);
      s.flash = "Grant revoked.";
      resp.sendRedirect(base + "/requests/" + id);
    } else if (path.startsWith("/requests/") && path.endsWith("/release")) {
      EmergencyAccessGrant g = grant(path.substring(10, path.length() - "/release".length()));
      if (!user.equals(g.requester())) {
        throw new AccessDeniedException(dev.breakglass.ReasonCode.NOT_AUTHORIZED,
            "only the requester " + g.requester() + " can release the credential of " + g.id());
      }
      try (Credential c = g.releaseCredential()) {
        html(resp, 200, pages.request(base, s, user, g, new String(c.secret())));
      }
    } else {
      html(resp, 404, pages.error(base, s, user, "Not found", "There is no action " + path + "."));
    }
  }

  private EmergencyAccessGrant grant(String id) {
    return engine.grant(id).orElseThrow(() -> new IllegalArgumentException("there is no request " + id));
  }

  private static String param(HttpServletRequest req, String name) {
    String v = req.getParameter(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("the field '" + name + "' is required");
    }
    return v.strip();
  }

  private static String field(JsonNode body, String name) {
    String v = body.path(name).asString("");
    if (v.isEmpty()) {
      throw new IllegalArgumentException("the field '" + name + "' is required");
    }
    return v;
  }

  private static byte[] bytes(JsonNode body, String name) {
    try {
      return B64D.decode(field(body, name));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the field '" + name + "' is not base64url");
    }
  }

  /** The WebAuthn ceremonies: options (a challenge kept in the session) and their answers. */
  private void json(HttpServletRequest req, HttpServletResponse resp, ConsoleSessions.Session s, String path,
      JsonNode body) throws IOException {
    switch (path) {
      case "/keys/options" -> {
        String host = settings.hostUser().apply(req);
        if (host == null) {
          problem(resp, 401, "NOT_AUTHENTICATED", "register keys while signed in the usual way (identity provider)");
          return;
        }
        byte[] challenge = ConsoleSessions.randomBytes(32);
        s.pending.put("register", new ConsoleSessions.Pending("register", challenge, host, null, null, null, null));
        ok(resp, Map.of("challenge", B64.encodeToString(challenge), "rpId", settings.rpId(), "user", host,
            "userId", B64.encodeToString(host.getBytes(StandardCharsets.UTF_8)), "algorithms",
            WebAuthnRegistration.ALGORITHMS, "exclude", credentialIds(host), "userVerification", uv()));
      }
      case "/keys/finish" -> {
        ConsoleSessions.Pending p = taken(s, "register");
        String host = settings.hostUser().apply(req);
        if (host == null || !host.equals(p.user())) {
          problem(resp, 401, "NOT_AUTHENTICATED", "the identity provider no longer signs you in as " + p.user());
          return;
        }
        CustodianKey key = registration.verify(host, bytes(body, "attestationObject"), bytes(body, "clientDataJSON"),
            p.challenge(), body.path("label").asString("security key"));
        CustodianKey registered = engine.custodianKeys().register(key, host);
        ok(resp, Map.of("registered", registered.keyId()));
      }
      case "/signin/options" -> {
        String who = field(body, "user").strip();
        List<String> ids = credentialIds(who);
        if (ids.isEmpty()) {
          problem(resp, 404, "KEY_NOT_REGISTERED", "no security key is registered for " + who);
          return;
        }
        byte[] challenge = ConsoleSessions.randomBytes(32);
        s.pending.put("signin", new ConsoleSessions.Pending("signin", challenge, who, null, null, null, null));
        ok(resp, Map.of("challenge", B64.encodeToString(challenge), "rpId", settings.rpId(), "allow", ids,
            "userVerification", uv()));
      }
      case "/signin/finish" -> {
        ConsoleSessions.Pending p = taken(s, "signin");
        CustodianKey key = key(p.user(), field(body, "credentialId"));
        long count = verifier.verifyAssertion(key, p.challenge(), bytes(body, "authenticatorData"),
            bytes(body, "clientDataJSON"), bytes(body, "signature"));
        // Sign-ins see the counter too, kept with the key: one that does not grow means a cloned authenticator.
        engine.custodianKeys().recordSignCount(key.keyId(), count);
        sessions.end(s);
        ConsoleSessions.Session fresh = sessions.start(req, resp);
        fresh.user = p.user();
        fresh.flash = "Signed in as " + p.user() + " with your security key.";
        ok(resp, Map.of("user", p.user()));
      }
      default -> decision(req, resp, s, path, body);
    }
  }

  private void decision(HttpServletRequest req, HttpServletResponse resp, ConsoleSessions.Session s, String path,
      JsonNode body) throws IOException {
    String user = user(req, s);
    if (!path.startsWith("/requests/") || !(path.endsWith("/options") || path.endsWith("/decide"))) {
      problem(resp, 404, "NOT_FOUND", "there is no action " + path);
      return;
    }
    if (user == null) {
      problem(resp, 401, "NOT_AUTHENTICATED", "sign in with your security key first");
      return;
    }
    String id = path.substring(10, path.lastIndexOf('/'));
    EmergencyAccessGrant g = grant(id);
    if (path.endsWith("/options")) {
      Decision d = "deny".equals(body.path("decision").asString("")) ? Decision.DENY : Decision.APPROVE;
      Instant at = settings.clock().instant().truncatedTo(ChronoUnit.SECONDS);
      ApprovalStatement st = ApprovalStatement.of(g.id(), g.requestDigest(), user, d, at);
      String reason = body.path("reason").asString("").strip();
      s.pending.put("decide", new ConsoleSessions.Pending("decide", st.webAuthnChallenge(), user, g.id(), at,
          d.name(), reason));
      ok(resp, Map.of("challenge", st.webAuthnChallengeBase64Url(), "rpId", settings.rpId(),
          "allow", credentialIds(user), "userVerification", uv()));
      return;
    }
    ConsoleSessions.Pending p = taken(s, "decide");
    if (!g.id().equals(p.grantId()) || !user.equals(p.user())) {
      throw new AccessDeniedException(dev.breakglass.ReasonCode.ASSERTION_REPLAYED,
          "the answer is for another request or user than the challenge this session was given");
    }
    ApprovalSignature sig = ApprovalSignature.webAuthn(field(body, "credentialId"), Objects.requireNonNull(p.signedAt()),
        bytes(body, "authenticatorData"), bytes(body, "clientDataJSON"), bytes(body, "signature"));
    EmergencyAccessGrant after;
    if (Decision.DENY.name().equals(p.decision())) {
      String reason = p.reason() == null || p.reason().isEmpty() ? "denied in the console" : p.reason();
      after = engine.deny(Denial.of(g, user, reason).withSignature(sig));
    } else {
      after = engine.approve(Approval.of(g, user).withSignature(sig));
    }
    s.flash = (Decision.DENY.name().equals(p.decision()) ? "Denied" : "Approved") + " with your security key.";
    ok(resp, Map.of("status", after.status().name(), "approvals", after.approvals().size()));
  }

  private ConsoleSessions.Pending taken(ConsoleSessions.Session s, String purpose) {
    ConsoleSessions.Pending p = s.take(purpose);
    if (p == null) {
      throw new AccessDeniedException(dev.breakglass.ReasonCode.ASSERTION_REPLAYED,
          "no " + purpose + " challenge is outstanding in this session (each is answered once); start again");
    }
    return p;
  }

  private CustodianKey key(String user, String credentialId) {
    return engine.custodianKeys().keys(user).stream().filter(k -> k.keyId().equals(credentialId)).findFirst()
        .orElseThrow(() -> new AccessDeniedException(dev.breakglass.ReasonCode.KEY_NOT_REGISTERED,
            "credential " + credentialId + " is not registered for " + user));
  }

  private List<String> credentialIds(String user) {
    return engine.custodianKeys().keys(user).stream().filter(k -> k.kind() == ApprovalSignature.Kind.WEBAUTHN)
        .map(CustodianKey::keyId).toList();
  }

  private String uv() {
    return settings.userVerification() ? "required" : "preferred";
  }

  private void ok(HttpServletResponse resp, Map<String, ?> body) throws IOException {
    resp.setStatus(200);
    resp.setContentType("application/json");
    resp.getOutputStream().write(json.writeValueAsBytes(body));
  }

  private void problem(HttpServletResponse resp, int status, String code, String message) throws IOException {
    resp.setStatus(status);
    resp.setContentType("application/json");
    resp.getOutputStream().write(json.writeValueAsBytes(Map.of("code", code, "message", message)));
  }

  private static void html(HttpServletResponse resp, int status, String page) throws IOException {
    resp.setStatus(status);
    resp.setContentType("text/html;charset=utf-8");
    resp.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
  }

  private static void asset(String name, HttpServletResponse resp) throws IOException {
    try (InputStream in = BreakGlassConsole.class.getResourceAsStream(name)) {
      if (in == null) {
        resp.sendError(404);
        return;
      }
      resp.setContentType(name.endsWith(".js") ? "text/javascript;charset=utf-8" : "text/css;charset=utf-8");
      resp.setHeader("Cache-Control", "no-cache");
      in.transferTo(resp.getOutputStream());
    }
  }
}

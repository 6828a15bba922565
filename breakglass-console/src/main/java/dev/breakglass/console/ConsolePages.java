package dev.breakglass.console;

import static dev.breakglass.console.Html.e;

import dev.breakglass.AccountPolicy;
import dev.breakglass.ApprovalRecord;
import dev.breakglass.BreakGlass;
import dev.breakglass.CustodianKey;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The console's pages. Plain HTML with one external script and one stylesheet (the
 * Content-Security-Policy allows nothing inline); every value is escaped with {@link Html#e}.
 */
final class ConsolePages {
  private final BreakGlass engine;
  private final ConsoleSettings settings;

  ConsolePages(BreakGlass engine, ConsoleSettings settings) {
    this.engine = engine;
    this.settings = settings;
  }

  /** The frame of every page. */
  String page(String base, ConsoleSessions.Session s, @Nullable String user, String title, String body) {
    StringBuilder b = new StringBuilder(4096);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<meta name=\"breakglass-base\" content=\"").append(e(base)).append("\">")
        .append("<meta name=\"csrf-token\" content=\"").append(e(s.csrf)).append("\">")
        .append("<title>").append(e(title)).append(" · breakglass</title>")
        .append("<link rel=\"stylesheet\" href=\"").append(e(base)).append("/static/console.css\">")
        .append("<script src=\"").append(e(base)).append("/static/console.js\" defer></script></head><body>")
        .append("<a class=\"skip\" href=\"#main\">Skip to content</a>")
        .append("<header><nav aria-label=\"Console\"><a href=\"").append(e(base)).append("/\">breakglass</a> ")
        .append("<a href=\"").append(e(base)).append("/request\">File a request</a> ")
        .append("<a href=\"").append(e(base)).append("/keys\">Security keys</a> ");
    if (user == null) {
      b.append("<a href=\"").append(e(base)).append("/signin\">Sign in with a security key</a>");
    } else {
      b.append("<span id=\"who\">Signed in as <strong>").append(e(user)).append("</strong></span> ")
          .append("<form class=\"inline\" method=\"post\" action=\"").append(e(base)).append("/signout\">")
          .append(csrf(s)).append("<button type=\"submit\">Sign out</button></form>");
    }
    b.append("</nav></header><main id=\"main\"><h1>").append(e(title)).append("</h1>");
    String flash = s.flash;
    s.flash = null;
    if (flash != null) {
      b.append("<p class=\"flash\" role=\"status\">").append(e(flash)).append("</p>");
    }
    b.append("<p id=\"status\" role=\"status\" aria-live=\"polite\"></p>").append(body).append("</main></body></html>");
    return b.toString();
  }

  static String csrf(ConsoleSessions.Session s) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + e(s.csrf) + "\">";
  }

  String home(String base, ConsoleSessions.Session s, @Nullable String user) {
    StringBuilder b = new StringBuilder();
    var state = engine.emergencyState();
    b.append("<section aria-labelledby=\"emergency\"><h2 id=\"emergency\">Emergency</h2>");
    if (state.isEmergency()) {
      b.append("<p class=\"alarm\">The emergency access path is <strong>open</strong>.</p>");
      if (user != null) {
        b.append(form(base + "/incident/close", s, "close-reason", "Reason for closing", "Close the incident"));
      }
    } else {
      b.append("<p>The emergency access path is closed.</p>");
      if (user != null) {
        b.append(form(base + "/incident/declare", s, "declare-reason", "What is down", "Declare an incident"));
      }
    }
    b.append("</section>");
    List<EmergencyAccessGrant> open = engine.openGrants();
    b.append("<section aria-labelledby=\"pending\"><h2 id=\"pending\">Requests waiting for approval</h2>");
    b.append(table(base, open.stream().filter(g -> g.status() == GrantStatus.PENDING_APPROVAL).toList(), false));
    b.append("</section><section aria-labelledby=\"open\"><h2 id=\"open\">Open grants</h2>");
    b.append(table(base, open.stream().filter(g -> g.status() == GrantStatus.ACTIVE).toList(), true));
    b.append("</section>");
    return page(base, s, user, "Break-glass console", b.toString());
  }

  private String table(String base, List<EmergencyAccessGrant> grants, boolean active) {
    if (grants.isEmpty()) {
      return "<p>None.</p>";
    }
    StringBuilder b = new StringBuilder("<table><thead><tr><th scope=\"col\">Request</th><th scope=\"col\">Account</th>"
        + "<th scope=\"col\">Requester</th><th scope=\"col\">Reason</th><th scope=\"col\">"
        + (active ? "Time left" : "Approvals") + "</th></tr></thead><tbody>");
    Instant now = settings.clock().instant();
    for (EmergencyAccessGrant g : grants) {
      b.append("<tr><td><a href=\"").append(e(base)).append("/requests/").append(e(g.id())).append("\">")
          .append(e(g.id())).append("</a></td><td>").append(e(g.account())).append("</td><td>")
          .append(e(g.requester())).append("</td><td>").append(e(g.reason())).append("</td><td>")
          .append(active ? e(Html.left(Duration.between(now, g.expiresAt().orElse(now))))
              : g.approvals().size() + " of " + g.approvalsRequired())
          .append("</td></tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  private static String form(String action, ConsoleSessions.Session s, String id, String label, String button) {
    return "<form method=\"post\" action=\"" + e(action) + "\">" + csrf(s) + "<label for=\"" + id + "\">" + e(label)
        + "</label> <input id=\"" + id + "\" name=\"reason\" required maxlength=\"500\"> <button type=\"submit\">"
        + e(button) + "</button></form>";
  }

  String requestForm(String base, ConsoleSessions.Session s, @Nullable String user) {
    if (user == null) {
      return page(base, s, null, "File a request", signInFirst(base));
    }
    StringBuilder b = new StringBuilder("<form method=\"post\" action=\"").append(e(base)).append("/request\">")
        .append(csrf(s)).append("<p><label for=\"account\">Account</label> <select id=\"account\" name=\"account\">");
    for (Map.Entry<String, AccountPolicy> a : engine.policy().accounts().entrySet()) {
      b.append("<option value=\"").append(e(a.getKey())).append("\">").append(e(a.getKey())).append("</option>");
    }
    b.append("</select></p><p><label for=\"reason\">Reason</label> <input id=\"reason\" name=\"reason\" required"
        + " maxlength=\"500\"></p><p><label for=\"ticket\">Ticket (optional)</label> <input id=\"ticket\" name=\"ticket\""
        + " maxlength=\"200\"></p><p><label for=\"identification\">How custodians can confirm it is you (optional,"
        + " e.g. the phone number to call back)</label> <input id=\"identification\" name=\"identification\""
        + " maxlength=\"200\"></p><p><label for=\"minutes\">Duration in minutes</label> <input id=\"minutes\""
        + " name=\"minutes\" type=\"number\" min=\"1\" max=\"1440\" value=\"30\" required></p>"
        + "<p><button type=\"submit\" id=\"file\">File the request</button></p></form>");
    return page(base, s, user, "File a request", b.toString());
  }

  static String signInFirst(String base) {
    return "<p>Sign in first: <a href=\"" + e(base) + "/signin\">with your security key</a> (works while the identity"
        + " provider is down). Requesters and custodians alike register their keys on the <a href=\"" + e(base)
        + "/keys\">Security keys</a> page while the identity provider works.</p>";
  }

  String request(String base, ConsoleSessions.Session s, @Nullable String user, EmergencyAccessGrant g,
      @Nullable String released) {
    Instant now = settings.clock().instant();
    StringBuilder b = new StringBuilder("<dl class=\"covered\">");
    row(b, "Status", g.status().name());
    row(b, "Account", g.account());
    row(b, "Requester", g.requester());
    row(b, "Reason", g.reason());
    row(b, "Ticket", g.ticket().orElse("none"));
    row(b, "Duration", g.duration().toMinutes() + " min");
    row(b, "Requested at", g.requestedAt().toString());
    row(b, "Grant id", g.id());
    row(b, "Request digest", g.requestDigest());
    row(b, "Approvals", g.approvals().size() + " of " + g.approvalsRequired());
    g.expiresAt().ifPresent(x -> row(b, "Time left", Html.left(Duration.between(now, x))));
    b.append("</dl>");
    if (!g.approvals().isEmpty()) {
      b.append("<h2>Approved by</h2><ul>");
      for (ApprovalRecord r : g.approvals()) {
        b.append("<li>").append(e(r.custodian())).append("</li>");
      }
      b.append("</ul>");
    }
    if (user == null) {
      b.append(signInFirst(base));
    } else if (g.status() == GrantStatus.PENDING_APPROVAL) {
      b.append("<h2>Your decision</h2><p>Your security key signs the request digest above, your name (")
          .append(e(user)).append("), your decision and the time.</p>")
          .append("<p><label for=\"deny-reason\">Reason if you deny</label> <input id=\"deny-reason\" maxlength=\"500\">")
          .append("</p><p><button type=\"button\" id=\"approve\" data-action=\"decide\" data-decision=\"approve\"")
          .append(" data-grant=\"").append(e(g.id())).append("\">Approve with my security key</button> ")
          .append("<button type=\"button\" id=\"deny\" data-action=\"decide\" data-decision=\"deny\" data-grant=\"")
          .append(e(g.id())).append("\">Deny with my security key</button></p>");
    }
    if (user != null && g.status() == GrantStatus.ACTIVE) {
      if (user.equals(g.requester()) && !g.credentialReleased()) {
        b.append("<form method=\"post\" action=\"").append(e(base)).append("/requests/").append(e(g.id()))
            .append("/release\">").append(csrf(s)).append("<button type=\"submit\" id=\"release\">Release the")
            .append(" credential</button></form>");
      }
      b.append("<form method=\"post\" action=\"").append(e(base)).append("/requests/").append(e(g.id()))
          .append("/revoke\">").append(csrf(s)).append("<label for=\"revoke-reason\">Reason to revoke</label> ")
          .append("<input id=\"revoke-reason\" name=\"reason\" required maxlength=\"500\"> <button type=\"submit\"")
          .append(" id=\"revoke\">Revoke the grant</button></form>");
    }
    if (released != null) {
      b.append("<h2>Credential</h2><p>Use it now; it is rotated when the grant ends. It is not shown again.</p>")
          .append("<p><code id=\"secret\">").append(e(released)).append("</code></p>");
    }
    return page(base, s, user, "Request " + g.id(), b.toString());
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append("<dt>").append(e(name)).append("</dt><dd>").append(e(value)).append("</dd>");
  }

  String signIn(String base, ConsoleSessions.Session s, @Nullable String user) {
    return page(base, s, user, "Sign in with a security key",
        "<p>No password and no identity provider: your registered security key proves who you are.</p>"
        + "<p><label for=\"username\">Your name</label> <input id=\"username\" autocomplete=\"username webauthn\""
        + " required></p><p><button type=\"button\" id=\"signin\" data-action=\"signin\">Sign in</button></p>");
  }

  /**
   * The key page: registration while the host's normal sign-in works, and each key of the signed-in
   * person with a form to remove it (also while the identity provider is down: a lost key must go).
   */
  String keys(String base, ConsoleSessions.Session s, @Nullable String user, @Nullable String hostUser) {
    StringBuilder b = new StringBuilder();
    String holder = hostUser != null ? hostUser : user;
    if (hostUser == null) {
      b.append("<p>Security keys are registered while the identity provider is healthy: sign in to this site the")
          .append(" usual way first.</p>");
    } else {
      b.append("<p>Signed in by the identity provider as <strong>").append(e(hostUser)).append("</strong>.</p>");
    }
    if (holder != null) {
      List<CustodianKey> keys = engine.custodianKeys().keys(holder);
      b.append("<h2 id=\"yours\">Your keys</h2>");
      if (keys.isEmpty()) {
        b.append("<p>None registered.</p>");
      }
      b.append("<ul aria-labelledby=\"yours\" class=\"keys\">");
      for (int i = 0; i < keys.size(); i++) {
        CustodianKey k = keys.get(i);
        String id = "remove-reason-" + i;
        b.append("<li><span class=\"key\">").append(e(k.label())).append(" (").append(e(k.kind().label()))
            .append(", ").append(e(k.keyId())).append(")</span><form method=\"post\" action=\"").append(e(base))
            .append("/keys/remove\">").append(csrf(s)).append("<input type=\"hidden\" name=\"keyId\" value=\"")
            .append(e(k.keyId())).append("\"><label for=\"").append(id).append("\">Why remove ").append(e(k.label()))
            .append("</label> <input id=\"").append(id).append("\" name=\"reason\" required maxlength=\"500\">")
            .append(" <button type=\"submit\">Remove this key</button></form></li>");
      }
      b.append("</ul>");
    }
    if (hostUser != null) {
      b.append("<h2>Add a key</h2><p><label for=\"key-label\">Name of the new key</label> <input id=\"key-label\"")
          .append(" maxlength=\"100\" value=\"security key\"></p><p><button type=\"button\" id=\"register\"")
          .append(" data-action=\"register\">Register a security key</button></p>");
    }
    return page(base, s, user, "Security keys", b.toString());
  }

  String error(String base, ConsoleSessions.Session s, @Nullable String user, String title, String message) {
    return page(base, s, user, title, "<p class=\"error\" role=\"alert\">" + e(message) + "</p>");
  }
}

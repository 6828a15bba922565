package dev.breakglass.core.report;

import dev.breakglass.core.audit.Checkpoint;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The review as one self-contained HTML page: inline CSS, no script, no external asset, and a
 * Content-Security-Policy that forbids both, so the page can be mailed, archived or opened offline
 * and still show everything. The incident reads as a timeline from outage to recovery; anomalies
 * are highlighted. Every value is made inert ({@link InertText}) and HTML-escaped.
 */
public final class HtmlReport {
  private static final String CSS = """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:72em;\
      color:#1b1f24;padding:0 1em}
      h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #d0d7de}
      .meta{color:#57606a}.meta code,td code{font-size:.9em;word-break:break-all}
      table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid #eaeef2;\
      vertical-align:top}th{background:#f6f8fa}
      ol.timeline{list-style:none;padding:0;margin:0;border-left:3px solid #d0d7de}
      ol.timeline li{margin:0 0 .5em 0;padding:.3em .8em;position:relative}
      ol.timeline li::before{content:"";position:absolute;left:-8px;top:.75em;width:13px;height:13px;border-radius:50%;\
      background:#8c959f}
      .phase{display:inline-block;min-width:6.5em;font-size:.75em;font-weight:600;letter-spacing:.04em;color:#fff;\
      border-radius:3px;padding:.05em .4em;text-align:center;margin-right:.5em}
      .OUTAGE{background:#cf222e}.REQUEST{background:#0969da}.APPROVAL{background:#8250df}.RELEASE{background:#bc4c00}\
      .LOGIN{background:#9a6700}.END{background:#57606a}.ROTATION{background:#1a7f37}.RECOVERY{background:#116329}\
      .OTHER{background:#6e7781}
      li.phase-OUTAGE::before{background:#cf222e}li.phase-RECOVERY::before,li.phase-ROTATION::before{background:#1a7f37}
      time{font-variant-numeric:tabular-nums;color:#57606a;margin-right:.6em}
      .anomaly{background:#fff1e5;border-left:4px solid #cf222e}
      .flag{color:#a40e26;font-weight:600;font-size:.85em;margin-left:.5em}
      .ok{color:#1a7f37}.bad{color:#a40e26;font-weight:600}
      ul.anomalies li{margin-bottom:.3em}
      .none{color:#57606a;font-style:italic}
      """;

  private HtmlReport() {}

  public static String render(ReviewModel m) {
    return render(m, "Post-incident review");
  }

  /** The page under another heading, for example a drill's report; {@code title} is escaped. */
  public static String render(ReviewModel m, String title) {
    StringBuilder sb = new StringBuilder(16_384);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n").append("<h1>").append(esc(title)).append("</h1>\n");
    if (m.events().isEmpty()) {
      return sb.append("<p class=\"none\">The audit log is empty.</p>\n</body>\n</html>\n").toString();
    }
    sb.append("<p class=\"meta\" id=\"period\">").append(ReviewModel.time(m.events().get(0).time())).append(" to ")
        .append(ReviewModel.time(m.events().get(m.events().size() - 1).time())).append(" &middot; ")
        .append(m.events().size()).append(plural(m.events().size(), " audit record", " audit records"))
        .append("</p>\n");
    Checkpoint c = m.checkpoint();
    sb.append("<p class=\"meta\" id=\"checkpoint\">");
    if (c == null) {
      sb.append("<span class=\"bad\">Not verified against a signed checkpoint.</span>");
    } else {
      sb.append("Verified against the signed checkpoint of ").append(c.treeSize())
          .append(plural(c.treeSize(), " record", " records")).append(", root <code>").append(ReviewModel.root(c))
          .append("</code>, signed ").append(ReviewModel.time(c.time())).append(" by key <code>").append(esc(c.keyId()))
          .append("</code>.");
    }
    sb.append("</p>\n");

    anomalies(sb, m.anomalies());
    timeline(sb, m.timeline());
    accounts(sb, m.accounts());
    alerts(sb, m.alerts());

    sb.append("<h2>Open items</h2>\n<ul id=\"open-items\">\n<li>Grants not ended: ")
        .append(m.grantsNotEnded().isEmpty() ? "none" : "<span class=\"bad\">" + esc(String.join(", ", m.grantsNotEnded()))
            + "</span>")
        .append("</li>\n<li>Accounts not rotated since their last grant: ")
        .append(m.accountsNotRotated().isEmpty() ? "none"
            : "<span class=\"bad\">" + esc(String.join(", ", m.accountsNotRotated())) + "</span>")
        .append("</li>\n</ul>\n</body>\n</html>\n");
    return sb.toString();
  }

  private static void anomalies(StringBuilder sb, List<ReviewModel.Anomaly> anomalies) {
    sb.append("<h2>Anomalies (").append(anomalies.size()).append(")</h2>\n");
    if (anomalies.isEmpty()) {
      sb.append("<p class=\"none\" id=\"anomalies\">None.</p>\n");
      return;
    }
    sb.append("<ul class=\"anomalies\" id=\"anomalies\">\n");
    for (ReviewModel.Anomaly a : anomalies) {
      sb.append("<li class=\"anomaly\" data-kind=\"").append(a.kind()).append("\"><time>")
          .append(ReviewModel.time(a.time())).append("</time><strong>").append(label(a.kind())).append("</strong>: ")
          .append(esc(a.description())).append("</li>\n");
    }
    sb.append("</ul>\n");
  }

  private static void timeline(StringBuilder sb, List<ReviewModel.Entry> timeline) {
    sb.append("<h2>Timeline</h2>\n<ol class=\"timeline\" id=\"timeline\">\n");
    for (ReviewModel.Entry e : timeline) {
      sb.append("<li class=\"phase-").append(e.phase()).append(e.anomalies().isEmpty() ? "" : " anomaly")
          .append("\" data-type=\"").append(e.event().type()).append("\"><time>").append(ReviewModel.time(e.time()))
          .append("</time><span class=\"phase ").append(e.phase()).append("\">").append(e.phase()).append("</span>")
          .append(esc(e.summary()));
      if (e.event().grantId() != null) {
        sb.append(" <span class=\"meta\">(grant ").append(esc(e.event().grantId())).append(")</span>");
      }
      for (ReviewModel.AnomalyKind k : e.anomalies()) {
        sb.append("<span class=\"flag\">&#9888; ").append(label(k)).append("</span>");
      }
      sb.append("</li>\n");
    }
    sb.append("</ol>\n");
  }

  private static void accounts(StringBuilder sb, List<ReviewModel.AccountView> accounts) {
    sb.append("<h2>Accounts</h2>\n<table id=\"accounts\">\n<tr><th>Account</th><th>Requests</th><th>Grants</th>")
        .append("<th>Logins</th><th>Refused logins</th><th>Outside an emergency</th><th>Rotations</th>")
        .append("<th>Rotation failures</th><th>Rotated since last grant</th></tr>\n");
    for (ReviewModel.AccountView a : accounts) {
      sb.append("<tr><td>").append(esc(a.account)).append("</td><td>").append(a.requests).append("</td><td>")
          .append(a.grantsIssued).append("</td><td>").append(a.logins).append("</td><td>").append(count(a.refusedLogins))
          .append("</td><td>").append(count(a.usesOutsideEmergency)).append("</td><td>").append(a.rotations)
          .append("</td><td>").append(count(a.rotationFailures)).append("</td><td>")
          .append(a.notRotated ? "<span class=\"bad\">no</span>" : "<span class=\"ok\">yes</span>").append("</td></tr>\n");
    }
    sb.append("</table>\n");
  }

  private static void alerts(StringBuilder sb, List<ReviewModel.AlertView> alerts) {
    sb.append("<h2>Alerts (").append(alerts.size()).append(")</h2>\n");
    if (alerts.isEmpty()) {
      sb.append("<p class=\"none\" id=\"alerts\">No alert delivery was recorded.</p>\n");
      return;
    }
    sb.append("<table id=\"alerts\">\n<tr><th>Time</th><th>Alert</th><th>Account</th><th>Channel</th><th>Status</th>")
        .append("<th>Attempts</th></tr>\n");
    for (ReviewModel.AlertView a : alerts) {
      sb.append("<tr").append(a.delivered() ? "" : " class=\"anomaly\"").append("><td><time>")
          .append(ReviewModel.time(a.time())).append("</time></td><td>").append(esc(a.type())).append("</td><td>")
          .append(esc(a.account())).append("</td><td>").append(esc(a.channel())).append("</td><td>")
          .append(a.delivered() ? "<span class=\"ok\">delivered</span>"
              : "<span class=\"bad\">failed</span>" + (a.reason() == null ? "" : ": " + esc(a.reason())))
          .append("</td><td>").append(a.attempts()).append("</td></tr>\n");
    }
    sb.append("</table>\n");
  }

  private static String count(int n) {
    return n == 0 ? "0" : "<span class=\"bad\">" + n + "</span>";
  }

  private static String label(ReviewModel.AnomalyKind k) {
    String s = k.name().replace('_', ' ').toLowerCase(Locale.ROOT);
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  static String plural(long n, String one, String many) {
    return n == 1 ? one : many;
  }

  /** Inert, then HTML-escaped for element content and double-quoted attributes. */
  static String esc(@Nullable String text) {
    if (text == null) {
      return "";
    }
    String inert = InertText.of(text);
    StringBuilder sb = new StringBuilder(inert.length() + 16);
    for (int i = 0; i < inert.length(); i++) {
      char ch = inert.charAt(i);
      switch (ch) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(ch);
      }
    }
    return sb.toString();
  }
}

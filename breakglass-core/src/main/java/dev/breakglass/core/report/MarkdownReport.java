package dev.breakglass.core.report;

import dev.breakglass.core.audit.Checkpoint;
import org.jspecify.annotations.Nullable;

/**
 * The review as Markdown (CommonMark with GitHub tables), for a ticket or a wiki page. Every value
 * is made inert and then escaped: no logged text can open a link, an image, raw HTML or a new row.
 */
public final class MarkdownReport {
  private MarkdownReport() {}

  public static String render(ReviewModel m) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Post-incident review\n\n");
    if (m.events().isEmpty()) {
      return sb.append("The audit log is empty.\n").toString();
    }
    sb.append("- Period: ").append(ReviewModel.time(m.events().get(0).time())).append(" to ")
        .append(ReviewModel.time(m.events().get(m.events().size() - 1).time())).append('\n');
    sb.append("- Audit records: ").append(m.events().size()).append('\n');
    Checkpoint c = m.checkpoint();
    sb.append("- Verified against: ").append(c == null ? "no signed checkpoint"
        : "checkpoint of " + c.treeSize() + " records, root `" + ReviewModel.root(c) + "`, signed "
            + ReviewModel.time(c.time()) + " by key `" + esc(c.keyId()) + "`").append("\n\n");

    sb.append("## Anomalies (").append(m.anomalies().size()).append(")\n\n");
    if (m.anomalies().isEmpty()) {
      sb.append("None.\n");
    }
    for (ReviewModel.Anomaly a : m.anomalies()) {
      sb.append("- **").append(a.kind()).append("** ").append(ReviewModel.time(a.time())).append(": ")
          .append(esc(a.description())).append('\n');
    }

    sb.append("\n## Timeline\n\n| Time | Phase | Event | Actor | Account | What happened |\n|---|---|---|---|---|---|\n");
    for (ReviewModel.Entry e : m.timeline()) {
      sb.append("| ").append(ReviewModel.time(e.time())).append(" | ").append(e.phase()).append(" | ")
          .append(e.anomalies().isEmpty() ? "" : "⚠ ").append(e.event().type()).append(" | ").append(esc(e.event().actor()))
          .append(" | ").append(esc(e.event().account())).append(" | ").append(esc(e.summary())).append(" |\n");
    }

    sb.append("\n## Accounts\n\n| Account | Requests | Grants | Logins | Refused logins | Outside emergency | Rotations"
        + " | Rotation failures | Not rotated |\n|---|---|---|---|---|---|---|---|---|\n");
    for (ReviewModel.AccountView a : m.accounts()) {
      sb.append("| ").append(esc(a.account)).append(" | ").append(a.requests).append(" | ").append(a.grantsIssued)
          .append(" | ").append(a.logins).append(" | ").append(a.refusedLogins).append(" | ")
          .append(a.usesOutsideEmergency).append(" | ").append(a.rotations).append(" | ").append(a.rotationFailures)
          .append(" | ").append(a.notRotated ? "**yes**" : "no").append(" |\n");
    }

    sb.append("\n## Alerts (").append(m.alerts().size()).append(")\n\n");
    if (m.alerts().isEmpty()) {
      sb.append("No alert delivery was recorded.\n");
    } else {
      sb.append("| Time | Alert | Channel | Status | Attempts |\n|---|---|---|---|---|\n");
      for (ReviewModel.AlertView a : m.alerts()) {
        sb.append("| ").append(ReviewModel.time(a.time())).append(" | ").append(esc(a.type())).append(" | ")
            .append(esc(a.channel())).append(" | ").append(a.delivered() ? "delivered" : "**FAILED**")
            .append(a.reason() == null ? "" : ": " + esc(a.reason())).append(" | ").append(a.attempts()).append(" |\n");
      }
    }

    sb.append("\n## Open items\n\n- Grants not ended: ")
        .append(m.grantsNotEnded().isEmpty() ? "none" : esc(String.join(", ", m.grantsNotEnded())))
        .append("\n- Accounts not rotated since their last grant: ")
        .append(m.accountsNotRotated().isEmpty() ? "none" : esc(String.join(", ", m.accountsNotRotated()))).append('\n');
    return sb.toString();
  }

  /**
   * Inert, then escaped: inline Markdown punctuation backslash-escaped, {@code < > &} as entities.
   * Values never start a line, so block markers ({@code - + .}) need no escape.
   */
  static String esc(@Nullable String text) {
    if (text == null) {
      return "";
    }
    String inert = InertText.of(text);
    StringBuilder sb = new StringBuilder(inert.length() + 8);
    for (int i = 0; i < inert.length(); i++) {
      char ch = inert.charAt(i);
      switch (ch) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '\\', '`', '*', '_', '{', '}', '[', ']', '(', ')', '#', '!', '|', '~' ->
            sb.append('\\').append(ch);
        default -> sb.append(ch);
      }
    }
    return sb.toString();
  }
}

package dev.breakglass.core.report;

import dev.breakglass.AuditEvent;
import dev.breakglass.core.audit.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.CharacterEscapes;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The review as JSON, in the versioned format described by {@code post-incident-report-v1.schema.json}
 * (shipped next to this class). Values are kept exactly as logged; every character outside
 * printable ASCII (DEL included) is written as a {@code \\uXXXX} escape, so bidi overrides and
 * invisible characters stay inert in any viewer that shows the file as text.
 */
public final class JsonReport {
  /** The {@code format} field of every report. */
  public static final String FORMAT = "breakglass-post-incident-report";
  /** The schema version written in the {@code version} field. */
  public static final int VERSION = 1;
  /** The class-path resource (next to this class) holding the JSON Schema of this version. */
  public static final String SCHEMA_RESOURCE = "post-incident-report-v1.schema.json";

  /** Escapes DEL and everything above it (JSON escapes the C0 controls itself). */
  private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder().highestNonEscapedChar(0x7E)
      .characterEscapes(new EscapeDelete()).build()).build();

  /** JSON's standard escapes, plus DEL (0x7F), which JSON allows raw. */
  private static final class EscapeDelete extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii = standardAsciiEscapesForJSON();

    EscapeDelete() {
      ascii[0x7F] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public @Nullable SerializableString getEscapeSequence(int ch) {
      return null;
    }
  }

  private JsonReport() {}

  /** The JSON Schema (draft 2020-12) the output of {@link #render} conforms to. */
  public static String schema() {
    try (InputStream in = Objects.requireNonNull(JsonReport.class.getResourceAsStream(SCHEMA_RESOURCE),
        SCHEMA_RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SCHEMA_RESOURCE, e);
    }
  }

  public static String render(ReviewModel m) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    ObjectNode period = root.putObject("period");
    if (m.events().isEmpty()) {
      period.putNull("from");
      period.putNull("to");
    } else {
      period.put("from", ReviewModel.time(m.events().get(0).time()));
      period.put("to", ReviewModel.time(m.events().get(m.events().size() - 1).time()));
    }
    root.put("records", m.events().size());
    Checkpoint c = m.checkpoint();
    if (c == null) {
      root.putNull("verifiedAgainst");
    } else {
      ObjectNode cp = root.putObject("verifiedAgainst");
      cp.put("treeSize", c.treeSize());
      cp.put("root", ReviewModel.root(c));
      cp.put("time", ReviewModel.time(c.time()));
      cp.put("keyId", c.keyId());
    }
    ArrayNode timeline = root.putArray("timeline");
    for (ReviewModel.Entry e : m.timeline()) {
      ObjectNode n = timeline.addObject();
      n.put("time", ReviewModel.time(e.time()));
      n.put("phase", e.phase().name());
      event(n, e.event());
      n.put("summary", e.summary());
      ArrayNode flags = n.putArray("anomalies");
      e.anomalies().forEach(a -> flags.add(a.name()));
    }
    ArrayNode grants = root.putArray("grants");
    for (ReviewModel.GrantView g : m.grants()) {
      ObjectNode n = grants.addObject();
      n.put("id", g.id);
      n.put("account", g.account);
      AuditEvent req = g.requested;
      n.put("requester", req == null ? null : req.actor());
      n.put("reason", req == null ? null : req.details().get("reason"));
      n.put("ticket", req == null ? null : req.details().get("ticket"));
      n.put("requestedAt", at(req));
      ArrayNode approvals = n.putArray("approvals");
      for (ReviewModel.ApprovalView a : g.approvals) {
        approvals.addObject().put("custodian", a.custodian()).put("time", ReviewModel.time(a.time()))
            .put("signer", a.signer());
      }
      n.put("issuedAt", at(g.issued));
      n.put("expiresAt", g.issued == null ? null : g.issued.details().get("expiresAt"));
      n.put("releasedAt", at(g.released));
      ArrayNode logins = n.putArray("logins");
      for (ReviewModel.LoginView l : g.logins) {
        logins.addObject().put("time", ReviewModel.time(l.time())).put("actor", l.actor()).put("client", l.client())
            .put("refused", l.refused());
      }
      if (g.ended == null) {
        n.putNull("ended");
      } else {
        n.putObject("ended").put("time", ReviewModel.time(g.ended.time())).put("type", g.ended.type().name())
            .put("by", g.ended.actor()).put("reason", g.ended.details().get("reason"));
      }
      n.put("rotatedAt", at(g.rotated));
    }
    ArrayNode accounts = root.putArray("accounts");
    for (ReviewModel.AccountView a : m.accounts()) {
      accounts.addObject().put("account", a.account).put("requests", a.requests).put("grantsIssued", a.grantsIssued)
          .put("logins", a.logins).put("refusedLogins", a.refusedLogins)
          .put("usesOutsideEmergency", a.usesOutsideEmergency).put("rotations", a.rotations)
          .put("rotationFailures", a.rotationFailures).put("notRotated", a.notRotated);
    }
    ArrayNode alerts = root.putArray("alerts");
    for (ReviewModel.AlertView a : m.alerts()) {
      alerts.addObject().put("alert", a.alert()).put("type", a.type()).put("channel", a.channel())
          .put("status", a.delivered() ? "DELIVERED" : "FAILED").put("attempts", a.attempts())
          .put("time", ReviewModel.time(a.time())).put("account", a.account()).put("reason", a.reason());
    }
    ArrayNode anomalies = root.putArray("anomalies");
    for (ReviewModel.Anomaly a : m.anomalies()) {
      anomalies.addObject().put("kind", a.kind().name()).put("time", ReviewModel.time(a.time()))
          .put("account", a.account()).put("grant", a.grant()).put("description", a.description());
    }
    ObjectNode open = root.putObject("openItems");
    ArrayNode notEnded = open.putArray("grantsNotEnded");
    m.grantsNotEnded().forEach(notEnded::add);
    ArrayNode notRotated = open.putArray("accountsNotRotated");
    m.accountsNotRotated().forEach(notRotated::add);
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
  }

  private static void event(ObjectNode n, AuditEvent e) {
    n.put("type", e.type().name());
    n.put("actor", e.actor());
    n.put("account", e.account());
    n.put("grant", e.grantId());
    ObjectNode details = n.putObject("details");
    for (Map.Entry<String, String> d : e.details().entrySet()) {
      details.put(d.getKey(), d.getValue());
    }
  }

  private static @Nullable String at(@Nullable AuditEvent e) {
    return e == null ? null : ReviewModel.time(e.time());
  }
}

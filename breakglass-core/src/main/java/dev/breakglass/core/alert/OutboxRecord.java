package dev.breakglass.core.alert;

import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One line of the alert outbox, and its JSON form. Four kinds:
 * <ul>
 *   <li>{@code alert}: an alert accepted for delivery, with the channels it was routed to;
 *   <li>{@code delivered} / {@code failed}: the final outcome on one channel;
 *   <li>{@code done}: written only by compaction, remembers a completed alert's id (for idempotent
 *       re-dispatch) without its content.
 * </ul>
 * Replaying the same record twice has no further effect. Thread-safe (immutable).
 */
sealed interface OutboxRecord {
  JsonMapper MAPPER = JsonMapper.builder().build();

  String id();

  Instant at();

  record Accepted(Alert alert, Instant at, List<String> channels) implements OutboxRecord {
    @Override
    public String id() {
      return alert.id();
    }
  }

  record Delivered(String id, String channel, int attempts, Instant at) implements OutboxRecord {}

  record Failed(String id, String channel, int attempts, String reason, Instant at) implements OutboxRecord {}

  record Done(String id, boolean confirmed, @Nullable String failure, Instant at) implements OutboxRecord {}

  static byte[] encode(OutboxRecord record) {
    ObjectNode n = MAPPER.createObjectNode();
    if (record instanceof Accepted a) {
      n.put("op", "alert");
      n.put("id", a.id());
      n.put("at", a.at().toString());
      ArrayNode channels = n.putArray("channels");
      a.channels().forEach(channels::add);
      ObjectNode alert = n.putObject("alert");
      Alert x = a.alert();
      alert.put("time", x.time().toString());
      alert.put("severity", x.severity().name());
      alert.put("type", x.type().name());
      alert.put("summary", x.summary());
      if (x.grantId() != null) {
        alert.put("grant", x.grantId());
      }
      if (x.account() != null) {
        alert.put("account", x.account());
      }
      ObjectNode details = alert.putObject("details");
      x.details().forEach(details::put);
    } else if (record instanceof Delivered d) {
      n.put("op", "delivered");
      n.put("id", d.id());
      n.put("channel", d.channel());
      n.put("attempts", d.attempts());
      n.put("at", d.at().toString());
    } else if (record instanceof Failed f) {
      n.put("op", "failed");
      n.put("id", f.id());
      n.put("channel", f.channel());
      n.put("attempts", f.attempts());
      n.put("reason", f.reason());
      n.put("at", f.at().toString());
    } else {
      Done d = (Done) record;
      n.put("op", "done");
      n.put("id", d.id());
      n.put("confirmed", d.confirmed());
      if (d.failure() != null) {
        n.put("failure", d.failure());
      }
      n.put("at", d.at().toString());
    }
    return MAPPER.writeValueAsBytes(n);
  }

  /**
   * Decodes one line.
   *
   * @throws IllegalArgumentException naming what is wrong with the record
   */
  static OutboxRecord decode(String line) {
    try {
      JsonNode n = MAPPER.readTree(line);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      String op = text(n, "op");
      String id = text(n, "id");
      Instant at = Instant.parse(text(n, "at"));
      switch (op) {
        case "alert": {
          JsonNode a = n.get("alert");
          if (a == null || !a.isObject()) {
            throw new IllegalArgumentException("missing field 'alert'");
          }
          Map<String, String> details = new LinkedHashMap<>();
          JsonNode d = a.get("details");
          if (d != null) {
            for (Map.Entry<String, JsonNode> e : d.properties()) {
              details.put(e.getKey(), e.getValue().asString());
            }
          }
          Alert alert = new Alert(id, Instant.parse(text(a, "time")), Severity.valueOf(text(a, "severity")),
              AuditEventType.valueOf(text(a, "type")), text(a, "summary"), optional(a, "grant"),
              optional(a, "account"), details);
          List<String> channels = new ArrayList<>();
          JsonNode c = n.get("channels");
          if (c != null) {
            for (JsonNode e : c) {
              channels.add(e.asString());
            }
          }
          return new Accepted(alert, at, channels);
        }
        case "delivered":
          return new Delivered(id, text(n, "channel"), n.path("attempts").asInt(), at);
        case "failed":
          return new Failed(id, text(n, "channel"), n.path("attempts").asInt(), text(n, "reason"), at);
        case "done":
          return new Done(id, n.path("confirmed").asBoolean(), optional(n, "failure"), at);
        default:
          throw new IllegalArgumentException("unknown op '" + op + "'");
      }
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return v.asString();
  }

  private static @Nullable String optional(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asString();
  }
}

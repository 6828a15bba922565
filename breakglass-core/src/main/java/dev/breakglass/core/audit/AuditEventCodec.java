package dev.breakglass.core.audit;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The canonical JSON encoding of an {@link AuditEvent}: UTF-8, no insignificant whitespace, fields
 * in a fixed order ({@code seq, time, type, actor, grant, account, instance, details}), details
 * sorted by key. The same event always encodes to the same bytes, so records can be hashed and
 * signed. {@code instance} names the engine instance that wrote the record; only logs shared by
 * several instances (such as the PostgreSQL audit sink's) write it, and a record without it encodes
 * exactly as before.
 *
 * <p>Thread-safe.
 */
public final class AuditEventCodec {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private AuditEventCodec() {}

  /** Encodes {@code event} with its sequence number and no instance id. */
  public static byte[] encode(long seq, AuditEvent event) {
    return encode(seq, event, null);
  }

  /**
   * Encodes {@code event} with its sequence number and the id of the engine instance that wrote
   * it ({@code null}: none, the same bytes as {@link #encode(long, AuditEvent)}).
   */
  public static byte[] encode(long seq, AuditEvent event, @Nullable String instance) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = MAPPER.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberProperty("seq", seq);
      g.writeStringProperty("time", event.time().toString());
      g.writeStringProperty("type", event.type().name());
      g.writeStringProperty("actor", event.actor());
      if (event.grantId() != null) {
        g.writeStringProperty("grant", event.grantId());
      }
      if (event.account() != null) {
        g.writeStringProperty("account", event.account());
      }
      if (instance != null) {
        g.writeStringProperty("instance", instance);
      }
      g.writeName("details");
      g.writeStartObject();
      for (Map.Entry<String, String> e : event.details().entrySet()) {
        g.writeStringProperty(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  /**
   * A decoded record: its sequence number, event, and the id of the instance that wrote it
   * ({@code null} if the record names none).
   */
  public record Decoded(long seq, AuditEvent event, @Nullable String instance) {
    /** A record that names no instance. */
    public Decoded(long seq, AuditEvent event) {
      this(seq, event, null);
    }
  }

  /**
   * Decodes bytes written by {@link #encode}.
   *
   * @throws IllegalArgumentException if the bytes are not a valid encoded event
   */
  public static Decoded decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /** Like {@link #decode(byte[])} for a slice. */
  public static Decoded decode(byte[] bytes, int offset, int length) {
    try {
      JsonNode n = MAPPER.readTree(bytes, offset, length);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("audit record is not a JSON object");
      }
      long seq = required(n, "seq").asLong();
      Instant time = Instant.parse(required(n, "time").asString());
      AuditEventType type = AuditEventType.valueOf(required(n, "type").asString());
      String actor = required(n, "actor").asString();
      String grant = n.hasNonNull("grant") ? n.get("grant").asString() : null;
      String account = n.hasNonNull("account") ? n.get("account").asString() : null;
      String instance = n.hasNonNull("instance") ? n.get("instance").asString() : null;
      Map<String, String> details = new LinkedHashMap<>();
      JsonNode d = required(n, "details");
      for (Iterator<Map.Entry<String, JsonNode>> it = d.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        details.put(e.getKey(), e.getValue().asString());
      }
      return new Decoded(seq, new AuditEvent(time, type, actor, grant, account, details), instance);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("audit record is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("audit record has an invalid time: " + e.getParsedString(), e);
    }
  }

  private static JsonNode required(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("audit record lacks '" + field + "'");
    }
    return v;
  }
}

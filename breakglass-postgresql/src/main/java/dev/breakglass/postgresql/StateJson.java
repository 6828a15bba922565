package dev.breakglass.postgresql;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of the grant store's records ({@code GrantRecord}, {@code AccountState},
 * {@code IncidentState}, {@code ThrottleState}, {@code EngineRecord}): their record components by
 * name, instants and durations in ISO-8601. Readable with SQL ({@code doc->>'status'}) and stable
 * across releases: a component added later is absent in older rows, and unknown names are refused
 * rather than dropped.
 */
final class StateJson {
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // Only the record components: derived answers such as isDeclared() are not state.
      .changeDefaultVisibility(v -> v.withVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
          .withVisibility(PropertyAccessor.GETTER, JsonAutoDetect.Visibility.NONE)
          .withVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY))
      .build();

  private StateJson() {}

  static String write(Object record) {
    try {
      return JSON.writeValueAsString(record);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("cannot write " + record.getClass().getSimpleName() + " as JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  static <T> T read(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JacksonException e) {
      throw new IllegalStateException("a stored " + type.getSimpleName() + " cannot be read: "
          + e.getOriginalMessage(), e);
    }
  }
}

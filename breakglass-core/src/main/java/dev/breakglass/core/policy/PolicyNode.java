package dev.breakglass.core.policy;

import dev.breakglass.core.text.SafeText;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A value read from a policy file, with the dotted path and the 1-based line it was found at. The
 * tree is read completely before any of it is interpreted, so that every later error (including
 * those the API's builders raise with a field path only) can be traced back to a line.
 */
sealed interface PolicyNode permits PolicyNode.Mapping, PolicyNode.Sequence, PolicyNode.Scalar {

  /**
   * The dotted path, for example {@code accounts.prod-db-admin.approvals}; empty for the root. Items
   * of a list carry the list's path.
   */
  String path();

  /** The 1-based line where the value starts. */
  int line();

  /** What a reader calls this kind of value in an error message. */
  String kind();

  /** One key of a mapping: the line of the key itself and its value. */
  record Entry(String key, int keyLine, PolicyNode value) {}

  /** A mapping (YAML) or object (JSON); keys in file order, each key at most once. */
  record Mapping(String path, int line, Map<String, Entry> entries) implements PolicyNode {
    public Mapping {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    @Override
    public String kind() {
      return "a mapping";
    }
  }

  /** A sequence (YAML) or array (JSON). */
  record Sequence(String path, int line, List<PolicyNode> items) implements PolicyNode {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String kind() {
      return "a list";
    }
  }

  /** A scalar: text, number, boolean or null. */
  record Scalar(String path, int line, Type type, @Nullable String text) implements PolicyNode {
    @Override
    public String kind() {
      switch (type) {
        case TEXT:
          return "the text '" + SafeText.printable(text) + "'";
        case INTEGER:
        case DECIMAL:
          return "the number " + SafeText.printable(text);
        case BOOLEAN:
          return "the boolean " + text;
        default:
          return "nothing (an empty or null value)";
      }
    }
  }

  /** Scalar types as the parser reported them (YAML 1.2 core schema, JSON). */
  enum Type {
    TEXT,
    INTEGER,
    DECIMAL,
    BOOLEAN,
    NULL
  }
}

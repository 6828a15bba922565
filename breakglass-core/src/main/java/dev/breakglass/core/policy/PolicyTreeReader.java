package dev.breakglass.core.policy;

import dev.breakglass.PolicyException;
import dev.breakglass.core.text.SafeText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Reads one YAML or JSON document from a streaming parser into a {@link PolicyNode} tree that keeps
 * the line of every key and value. Rejects what a policy never needs and what would make a line
 * ambiguous: duplicate keys, YAML aliases, binary values and more than one document.
 *
 * <p>Not thread-safe; one instance reads one document. The parser's nesting limit bounds the
 * recursion.
 */
final class PolicyTreeReader {
  private final String source;
  private final JsonParser parser;
  private String currentPath = "";

  PolicyTreeReader(String source, JsonParser parser) {
    this.source = source;
    this.parser = parser;
  }

  /**
   * The path of the value being read when the parser failed, so that a syntax error can name the
   * field it occurred in; empty at the top level.
   */
  String currentPath() {
    return currentPath;
  }

  /**
   * Reads the single document.
   *
   * @return the root, or {@code null} if the input holds no value at all (empty, blank or comments)
   * @throws PolicyException for duplicate keys, aliases, unsupported values or a second document
   * @throws tools.jackson.core.JacksonException for syntax errors (the caller adds file and line)
   */
  @Nullable PolicyNode readDocument() {
    JsonToken first = parser.nextToken();
    if (first == null) {
      return null;
    }
    PolicyNode root = readValue("", first);
    currentPath = "";
    JsonToken after = parser.nextToken();
    if (after != null) {
      throw new PolicyException(source, tokenLine(), null,
          "holds more than one document; a policy file holds exactly one");
    }
    return root;
  }

  private PolicyNode readValue(String path, JsonToken token) {
    currentPath = path;
    int line = tokenLine();
    if (parser instanceof YAMLParser && ((YAMLParser) parser).isCurrentAlias()) {
      throw new PolicyException(source, line, fieldOf(path),
          "uses a YAML alias (*" + SafeText.printable(parser.getString()) + "); write the value out instead");
    }
    switch (token) {
      case START_OBJECT:
        return readMapping(path, line);
      case START_ARRAY:
        return readSequence(path, line);
      case VALUE_STRING:
        return new PolicyNode.Scalar(path, line, PolicyNode.Type.TEXT, parser.getString());
      case VALUE_NUMBER_INT:
        return new PolicyNode.Scalar(path, line, PolicyNode.Type.INTEGER, parser.getString());
      case VALUE_NUMBER_FLOAT:
        return new PolicyNode.Scalar(path, line, PolicyNode.Type.DECIMAL, parser.getString());
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new PolicyNode.Scalar(path, line, PolicyNode.Type.BOOLEAN, parser.getString());
      case VALUE_NULL:
        return new PolicyNode.Scalar(path, line, PolicyNode.Type.NULL, null);
      default:
        throw new PolicyException(source, line, fieldOf(path),
            "holds a value a policy cannot use (" + token + "); use text, numbers, booleans, lists and mappings");
    }
  }

  private PolicyNode readMapping(String path, int line) {
    Map<String, PolicyNode.Entry> entries = new LinkedHashMap<>();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      if (t != JsonToken.PROPERTY_NAME) {
        throw unexpectedEnd(path);
      }
      String key = parser.currentName();
      int keyLine = tokenLine();
      if (key.chars().anyMatch(Character::isISOControl)) {
        // Keys become field paths in messages and logs; a newline in one could forge a log line.
        throw new PolicyException(source, keyLine, fieldOf(path),
            "has a key with a control character ('" + SafeText.printable(key) + "')");
      }
      String childPath = path.isEmpty() ? key : path + "." + key;
      PolicyNode.Entry earlier = entries.get(key);
      if (earlier != null) {
        throw new PolicyException(source, keyLine, childPath,
            "is defined twice (first on line " + earlier.keyLine() + ")");
      }
      currentPath = childPath;
      JsonToken valueToken = parser.nextToken();
      if (valueToken == null) {
        throw unexpectedEnd(childPath);
      }
      entries.put(key, new PolicyNode.Entry(key, keyLine, readValue(childPath, valueToken)));
      currentPath = path;
    }
    return new PolicyNode.Mapping(path, line, entries);
  }

  private PolicyNode readSequence(String path, int line) {
    List<PolicyNode> items = new ArrayList<>();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
      if (t == null) {
        throw unexpectedEnd(path);
      }
      // Items share their list's path: errors about an item name the list field and the item's line.
      items.add(readValue(path, t));
      currentPath = path;
    }
    return new PolicyNode.Sequence(path, line, items);
  }

  private PolicyException unexpectedEnd(String path) {
    return new PolicyException(source, Math.max(1, parser.currentLocation().getLineNr()), fieldOf(path),
        "the file ends in the middle of this value");
  }

  private int tokenLine() {
    TokenStreamLocation location = parser.currentTokenLocation();
    int line = location == null ? -1 : location.getLineNr();
    return line > 0 ? line : Math.max(1, parser.currentLocation().getLineNr());
  }

  private static @Nullable String fieldOf(String path) {
    return path.isEmpty() ? null : path;
  }
}

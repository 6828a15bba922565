package dev.breakglass.core.vault;

import dev.breakglass.spi.files.VersionedFile;
import java.nio.file.Path;
import java.util.Base64;
import tools.jackson.databind.JsonNode;

/**
 * Reads typed fields of one JSON object of a vault file, naming the full field path (e.g. {@code
 * sealing.custodians[1].commitment}) in every error. Immutable.
 */
final class JsonFields {
  final Path file;
  final JsonNode node;
  final String prefix;

  JsonFields(Path file, JsonNode node, String prefix) {
    this.file = file;
    this.node = node;
    this.prefix = prefix;
    if (!node.isObject()) {
      String name = prefix.isEmpty() ? "(root)" : prefix.substring(0, prefix.length() - 1);
      throw VersionedFile.corrupted(file, "field '" + name + "' must be an object");
    }
  }

  JsonNode required(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      throw VersionedFile.corrupted(file, "field '" + prefix + name + "' is missing");
    }
    return v;
  }

  String text(String name) {
    JsonNode v = required(name);
    if (!v.isString()) {
      throw VersionedFile.corrupted(file, "field '" + prefix + name + "' must be a string");
    }
    return v.stringValue();
  }

  long longValue(String name) {
    JsonNode v = required(name);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw VersionedFile.corrupted(file, "field '" + prefix + name + "' must be an integer");
    }
    return v.longValue();
  }

  int integer(String name) {
    long v = longValue(name);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw VersionedFile.corrupted(file, "field '" + prefix + name + "' is out of range");
    }
    return (int) v;
  }

  /** A base64 field of exactly {@code length} bytes, or any length if {@code length < 0}. */
  byte[] bytes(String name, int length) {
    byte[] b;
    try {
      b = Base64.getDecoder().decode(text(name));
    } catch (IllegalArgumentException e) {
      throw VersionedFile.corrupted(file, "field '" + prefix + name + "' is not valid base64");
    }
    if (length >= 0 && b.length != length) {
      throw VersionedFile.corrupted(file, "field '" + prefix + name + "' must hold " + length + " bytes, holds " + b.length);
    }
    return b;
  }

  JsonFields object(String name) {
    return new JsonFields(file, required(name), prefix + name + ".");
  }
}

package dev.breakglass.core.alert.channel;

import dev.breakglass.FreeText;
import dev.breakglass.spi.Alert;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every output of an alert must satisfy: no character that {@link FreeText#isForbidden} names
 * (C0/C1 controls, U+2028/U+2029, bidi and invisible format characters) in what it writes, except
 * the line breaks the format itself puts between its own lines. For JSON, the decoded string values
 * are checked as well, since receivers show those.
 */
public final class InertOutputs {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private InertOutputs() {}

  /** Throws naming the first forbidden character of {@code text}, if any. */
  public static void assertInert(String where, String text) {
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      if (FreeText.isForbidden(cp)) {
        throw new AssertionError(where + ": U+" + String.format("%04X", cp) + " at " + i + " in "
            + FreeText.inert(text, 400));
      }
      i += Character.charCount(cp);
    }
  }

  /** Each line of {@code text} (split on LF only) is inert. */
  public static void assertInertLines(String where, String text) {
    for (String line : text.split("\n", -1)) {
      assertInert(where, line);
    }
  }

  /** A JSON body: its bytes and every string value in it are inert. */
  public static void assertInertJson(String where, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    assertInertLines(where, text);
    check(where, JSON.readTree(text));
  }

  private static void check(String where, JsonNode node) {
    if (node.isString()) {
      assertInertLines(where + " (decoded)", node.asString());
    }
    for (var e : node.properties()) {
      assertInert(where + " (key)", e.getKey());
      check(where, e.getValue());
    }
    if (node.isArray()) {
      for (JsonNode n : node) {
        check(where, n);
      }
    }
  }

  /** An RFC 5424 message: inert, apart from the byte-order mark the format puts before the message. */
  public static void assertInertSyslog(String where, byte[] message) {
    String text = new String(message, StandardCharsets.UTF_8);
    int bom = text.indexOf('\uFEFF');
    assertInert(where, bom < 0 ? text : text.substring(0, bom) + text.substring(bom + 1));
  }

  /** Hostile values for every text component of an alert. */
  public static List<String> hostile() {
    return List.of("a\r\n2026-11-28 ERROR [breakglass CRITICAL GRANT_CLOSED] all clear", "\u001B[31mred\u001B[0m",
        "x\u0000y", "nel\u0085", "ls\u2028ps\u2029", "rlo\u202Eevil", "iso\u2066x\u2069", "zw\u200B\u200D\uFEFF",
        "tab\there", "del\u007F", "lone\uD800", "tag\uDB40\uDC01");
  }

  /** An alert with {@code text} in every text component, details included. */
  public static Alert alertWith(String text) {
    return new Alert("id-" + text, java.time.Instant.parse("2026-03-01T10:15:30Z"), dev.breakglass.spi.Severity.HIGH,
        dev.breakglass.AuditEventType.GRANT_ISSUED, "summary " + text, "grant-" + text, "account-" + text,
        java.util.Map.of("reason", text, "key " + text, "v"));
  }
}

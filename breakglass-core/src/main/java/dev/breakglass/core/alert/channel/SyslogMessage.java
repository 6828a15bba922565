package dev.breakglass.core.alert.channel;

import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an alert as an RFC 5424 syslog message (without transport framing): the header fields
 * reduced to what syslog allows, the alert's fields as one structured-data element, and the summary
 * as the UTF-8 message after a BOM. Immutable and thread-safe.
 */
final class SyslogMessage {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final SyslogAlertChannel.Facility facility;
  private final String hostname;
  private final String appName;
  private final String procId;
  private final String sdId;

  SyslogMessage(SyslogAlertChannel.Facility facility, String hostname, String appName, String procId, String sdId) {
    this.facility = facility;
    this.hostname = hostname;
    this.appName = appName;
    this.procId = procId;
    this.sdId = sdId;
  }

  /** The RFC 5424 message for {@code alert}. */
  byte[] format(Alert hostile) {
    Alert alert = hostile.inert();
    StringBuilder header = new StringBuilder(256);
    header.append('<').append(facility.code() * 8 + syslogSeverity(alert.severity())).append(">1 ")
        .append(TIMESTAMP.format(alert.time())).append(' ')
        .append(headerField(hostname, 255)).append(' ')
        .append(headerField(appName, 48)).append(' ')
        .append(headerField(procId, 128)).append(' ')
        .append(headerField(alert.type().name(), 32)).append(' ');
    header.append('[').append(sdId);
    param(header, "id", alert.id());
    param(header, "severity", alert.severity().name());
    param(header, "type", alert.type().name());
    if (alert.grantId() != null) {
      param(header, "grant", alert.grantId());
    }
    if (alert.account() != null) {
      param(header, "account", alert.account());
    }
    for (Map.Entry<String, String> e : alert.details().entrySet()) {
      param(header, paramName("d." + e.getKey()), e.getValue());
    }
    header.append("] ");
    byte[] head = header.toString().getBytes(StandardCharsets.UTF_8);
    byte[] msg = alert.summary().getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + BOM.length + msg.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(BOM, 0, out, head.length, BOM.length);
    System.arraycopy(msg, 0, out, head.length + BOM.length, msg.length);
    return out;
  }

  /** RFC 5424 severity: INFO notice (5), HIGH err (3), CRITICAL alert (1). */
  static int syslogSeverity(Severity severity) {
    switch (severity) {
      case CRITICAL:
        return 1;
      case HIGH:
        return 3;
      default:
        return 5;
    }
  }

  private static void param(StringBuilder sb, String name, String value) {
    sb.append(' ').append(name).append("=\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\' || c == ']') {
        sb.append('\\');
      }
      sb.append(c);
    }
    sb.append('"');
  }

  /** PARAM-NAME: 1-32 printable US-ASCII except {@code = SP ] "}. */
  static String paramName(String raw) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < raw.length() && sb.length() < 32; i++) {
      char c = raw.charAt(i);
      sb.append(c > 32 && c < 127 && c != '=' && c != ']' && c != '"' ? c : '_');
    }
    return sb.length() == 0 ? "_" : sb.toString();
  }

  /** A header field: printable US-ASCII without spaces, at most {@code max} characters, or {@code -}. */
  private static String headerField(String raw, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < raw.length() && sb.length() < max; i++) {
      char c = raw.charAt(i);
      sb.append(c > 32 && c < 127 ? c : '_');
    }
    return sb.length() == 0 ? "-" : sb.toString();
  }

  /** Cuts UTF-8 {@code bytes} to at most {@code max} bytes without splitting a character. */
  static byte[] truncate(byte[] bytes, int max) {
    int end = max;
    // step back over continuation bytes (10xxxxxx) so that the cut lands before a lead byte
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    byte[] out = new byte[end];
    System.arraycopy(bytes, 0, out, 0, end);
    return out;
  }
}

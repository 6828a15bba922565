package dev.breakglass.core.evidence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The evidence pack's file format, stated once for the writer and the checker.
 *
 * <p>The pack is a JSON object whose last member is the signature, on a line of its own, in exactly
 * this form:
 *
 * <pre>
 * {
 *   "format" : "breakglass-drill-evidence",
 *   ... every other member ...
 *   "report" : { ... },
 *   "signature": "&lt;base64 of the Ed25519 signature&gt;"
 * }
 * </pre>
 *
 * The signature covers {@link #SIGNATURE_DOMAIN} followed by the file's exact bytes before the
 * {@link #SIGNATURE_MARKER} (the body), so a change of any byte, whitespace included, is detected;
 * the domain keeps a pack signature from ever passing as a checkpoint's, which the same key signs.
 */
final class EvidenceFormat {
  static final String FORMAT = "breakglass-drill-evidence";
  static final int VERSION = 1;
  static final byte[] SIGNATURE_DOMAIN = "breakglass-drill-evidence-signature v1\n".getBytes(StandardCharsets.UTF_8);
  static final byte[] SIGNATURE_MARKER = ",\n  \"signature\": \"".getBytes(StandardCharsets.UTF_8);
  static final byte[] TRAILER = "\"\n}\n".getBytes(StandardCharsets.UTF_8);
  /** The pack's file name for a drill. */
  static final String PACK_SUFFIX = ".evidence.json";
  /** The HTML report's file name for a drill. */
  static final String REPORT_SUFFIX = ".html";
  private static final Pattern REPORT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}\\.html");

  /** Every character outside ASCII escaped, so hostile text stays inert in any viewer. */
  static final JsonMapper MAPPER = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private EvidenceFormat() {}

  /** A signed pack split into its body (what the signature covers) and the signature's base64 text. */
  record Split(byte[] body, String signature) {}

  /**
   * Splits a pack at its signature line.
   *
   * @return {@code null} if the file does not end in a signature line of the expected form
   */
  static @Nullable Split split(byte[] file) {
    int at = lastIndexOf(file, SIGNATURE_MARKER);
    if (at < 0) {
      return null;
    }
    int start = at + SIGNATURE_MARKER.length;
    int end = file.length - TRAILER.length;
    if (end < start || !Arrays.equals(file, end, file.length, TRAILER, 0, TRAILER.length)) {
      return null;
    }
    for (int i = start; i < end; i++) {
      byte b = file[i];
      boolean base64 = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+'
          || b == '/' || b == '=';
      if (!base64) {
        return null;
      }
    }
    return new Split(Arrays.copyOfRange(file, 0, at), new String(file, start, end - start, StandardCharsets.US_ASCII));
  }

  /** What the signature covers: the domain, then the body. */
  static byte[] signed(byte[] body) {
    byte[] out = Arrays.copyOf(SIGNATURE_DOMAIN, SIGNATURE_DOMAIN.length + body.length);
    System.arraycopy(body, 0, out, SIGNATURE_DOMAIN.length, body.length);
    return out;
  }

  /** Joins a body and its signature into the file. */
  static byte[] join(byte[] body, String signatureBase64) {
    byte[] sig = signatureBase64.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[body.length + SIGNATURE_MARKER.length + sig.length + TRAILER.length];
    System.arraycopy(body, 0, out, 0, body.length);
    System.arraycopy(SIGNATURE_MARKER, 0, out, body.length, SIGNATURE_MARKER.length);
    System.arraycopy(sig, 0, out, body.length + SIGNATURE_MARKER.length, sig.length);
    System.arraycopy(TRAILER, 0, out, out.length - TRAILER.length, TRAILER.length);
    return out;
  }

  /**
   * The report file a pack names ({@code report.file}), if the pack reads as JSON and the name is a
   * plain file name ending in {@code .html}; never a path, so a pack cannot point the checker at
   * another file.
   */
  static @Nullable String reportFileName(byte[] pack) {
    try {
      JsonNode file = MAPPER.readTree(pack).path("report").path("file");
      String name = file.isString() ? file.asString() : null;
      return name != null && REPORT_NAME.matcher(name).matches() ? name : null;
    } catch (JacksonException | NullPointerException e) {
      return null;
    }
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static int lastIndexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = haystack.length - needle.length; i >= 0; i--) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

package dev.breakglass.core.policy;

import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.PolicyException;
import dev.breakglass.core.text.SafeText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.dataformat.yaml.YAMLFactory;

/**
 * Loads a {@link BreakGlassPolicy} from a YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json})
 * file.
 *
 * <pre>{@code
 * BreakGlassPolicy policy = PolicyFiles.load(Path.of("/etc/myapp/breakglass.yaml"));
 * }</pre>
 *
 * <p>The file format (the same fields in YAML and JSON):
 *
 * <pre>{@code
 * version: 1                       # optional; the only version there is
 * approvalTimeout: 15m             # how long a request may wait for approvals (default 15m)
 * rateLimit:                       # optional; all three fields, or leave the block out
 *   maxRequests: 5                 #   requests per requester per window (default 5)
 *   window: 10m                    #   (default 10m)
 *   maxBackoff: 1h                 #   longest wait once over the limit (default 1h)
 * endGrantsWhenEmergencyEnds: true # (default true)
 * people: [alice, bob, carol, dave, erin, sre-lead]   # optional roster; when present every
 *                                  # requester, custodian and incident declarer must be in it
 * incidentDeclarers: [sre-lead]    # who may declare and close an incident by hand
 * accounts:                        # at least one break-glass account, by name
 *   prod-db-admin:
 *     requesters: [alice, bob]     # required, at least one
 *     custodians: [carol, dave, erin]
 *     approvals: 2                 # M of the N custodians; required with custodians (0 explicit); never the requester
 *     maxDuration: 30m             # longest grant, at most 7 days (default 1h)
 *     drillEvery: 90d              # a HIGH alert when the last drill is older (1d..400d; default none)
 *     reasonRequired: true         # (default true)
 *     ticketRequired: true         # (default false)
 *     identification: [hardware-key]  # evidence kinds a request must carry (default none)
 *     emergencyRequired: true      # (default true)
 *     backupAccount: prod-db-admin-2  # another account of this file, for the tainted window
 * }</pre>
 *
 * <p>Durations are written {@code 250ms}, {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d} or in
 * ISO-8601 ({@code PT30M}); they are text, so in JSON they are quoted. Numbers and booleans must be
 * real numbers and booleans ({@code 2}, {@code true}), not text.
 *
 * <p>Loading is all or nothing: {@code load} returns a complete, validated, immutable policy or
 * throws a {@link PolicyException}, and it throws nothing else. The exception names the file
 * ({@link PolicyException#source()}), the 1-based line ({@link PolicyException#line()}) and the
 * dotted field ({@link PolicyException#field()}, for example {@code accounts.prod-db-admin.approvals}).
 * The line is -1 only when there is no content to point into (a missing or unreadable file); the
 * field is {@code null} only when the problem is the document as a whole (not YAML or JSON at all,
 * not a mapping, a syntax error outside any field). It is rejected, among others: an unknown field
 * (the message lists the allowed ones), a value of the wrong type, a bad duration, a key given
 * twice, a name listed twice, an unknown {@code backupAccount}, a requester, custodian or declarer
 * missing from {@code people}, more approvals than custodians (or than custodians other than a
 * requester who is also a custodian), approvals without custodians, an empty file, YAML aliases and
 * multiple YAML documents.
 *
 * <p>Stateless and thread-safe.
 */
public final class PolicyFiles {
  /** Policy files are small; anything larger is not a policy file. */
  static final int MAX_FILE_BYTES = 1024 * 1024;

  /** Deep enough for the schema (four levels) with room for a clear error on anything deeper. */
  private static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(64 * 1024).maxNameLength(1024).build();
  private static final JsonFactory JSON = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
  private static final YAMLFactory YAML = YAMLFactory.builder().streamReadConstraints(CONSTRAINTS).build();

  private PolicyFiles() {}

  /** The two formats a policy can be written in. */
  public enum Format {
    YAML,
    JSON;

    /**
     * The format a file name's extension stands for: {@code .yaml} and {@code .yml} for YAML,
     * {@code .json} for JSON (case-insensitive).
     *
     * @throws PolicyException naming the file if the extension is none of these
     */
    public static Format of(Path file) {
      Path name = file.getFileName();
      String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
      if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
        return YAML;
      }
      if (lower.endsWith(".json")) {
        return JSON;
      }
      throw new PolicyException(file.toString(), -1, null,
          "is neither YAML nor JSON by its name; name a policy file *.yaml, *.yml or *.json");
    }
  }

  /**
   * Reads, parses and validates a policy file.
   *
   * @param file a {@code .yaml}, {@code .yml} or {@code .json} file, at most 1 MiB, UTF-8
   * @return the complete policy
   * @throws PolicyException if the file is missing, unreadable or invalid, naming the file, the line
   *     and the field
   */
  public static BreakGlassPolicy load(Path file) {
    Objects.requireNonNull(file, "file");
    String source = file.toString();
    Format format = Format.of(file);
    return parse(source, read(file, source), format);
  }

  /**
   * Parses and validates policy content that did not come from a file of its own, for example a
   * class path resource.
   *
   * @param source what to call the content in messages, for example its resource name
   * @param content the UTF-8 bytes of the document, at most 1 MiB
   * @param format how the content is written
   * @return the complete policy
   * @throws PolicyException if the content is invalid, naming {@code source}, the line and the field
   */
  public static BreakGlassPolicy parse(String source, byte[] content, Format format) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(format, "format");
    if (content.length > MAX_FILE_BYTES) {
      throw new PolicyException(source, -1, null,
          "is " + content.length + " bytes; a policy file is at most " + MAX_FILE_BYTES + " bytes");
    }
    String text = decodeUtf8(source, content);
    PolicyNode root = readTree(source, text, format);
    if (root == null) {
      throw new PolicyException(source, 1, "accounts",
          "the file is empty (or only comments); a policy must define at least one account under 'accounts'");
    }
    return new PolicyBinder(source).bind(root);
  }

  private static byte[] read(Path file, String source) {
    try {
      if (Files.isDirectory(file)) {
        throw new PolicyException(source, -1, null, "is a directory, not a policy file");
      }
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new PolicyException(source, -1, null,
            "is " + size + " bytes; a policy file is at most " + MAX_FILE_BYTES + " bytes");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw withCause(new PolicyException(source, -1, null, "does not exist"), e);
    } catch (AccessDeniedException e) {
      throw withCause(new PolicyException(source, -1, null, "cannot be read: permission denied"), e);
    } catch (IOException e) {
      throw withCause(new PolicyException(source, -1, null, "cannot be read: " + e), e);
    }
  }

  private static String decodeUtf8(String source, byte[] content) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(content);
    CharBuffer out = CharBuffer.allocate(content.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new PolicyException(source, lineAt(content, in.position()), null,
          "is not UTF-8 text (bad byte at offset " + in.position() + "); a policy file is YAML or JSON in UTF-8");
    }
    decoder.flush(out);
    out.flip();
    String text = out.toString();
    // A byte order mark is legal at the start but is no part of the document.
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private static @Nullable PolicyNode readTree(String source, String text, Format format) {
    TokenStreamFactory factory = format == Format.YAML ? YAML : JSON;
    PolicyTreeReader reader = null;
    JsonParser parser = null;
    try {
      parser = factory.createParser(ObjectReadContext.empty(), text);
      reader = new PolicyTreeReader(source, parser);
      return reader.readDocument();
    } catch (JacksonException e) {
      String field = reader == null || reader.currentPath().isEmpty() ? null : reader.currentPath();
      MarkedYamlEngineException yaml = yamlCause(e);
      if (yaml != null && yaml.getProblemMark().isPresent()) {
        // SnakeYAML knows where the problem is; Jackson's location is where its last token ended.
        throw withCause(new PolicyException(source, yaml.getProblemMark().get().getLine() + 1, field,
            "is not valid YAML: " + describe(yaml)), e);
      }
      int line = lineOf(e.getLocation());
      if (line < 1 && parser != null) {
        line = lineOf(parser.currentLocation());
      }
      throw withCause(new PolicyException(source, Math.max(line, 1), field,
          "is not valid " + format + ": " + firstLine(e.getOriginalMessage())), e);
    } finally {
      if (parser != null) {
        parser.close();
      }
    }
  }

  private static @Nullable MarkedYamlEngineException yamlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof MarkedYamlEngineException) {
        return (MarkedYamlEngineException) t;
      }
    }
    return null;
  }

  private static String describe(MarkedYamlEngineException e) {
    String problem = e.getProblem() == null ? "syntax error" : firstLine(e.getProblem());
    Optional<Mark> contextMark = e.getContextMark();
    if (e.getContext() != null && contextMark.isPresent()) {
      return problem + " (" + firstLine(e.getContext()) + " that starts on line " + (contextMark.get().getLine() + 1)
          + ")";
    }
    return problem;
  }

  private static int lineOf(@Nullable TokenStreamLocation location) {
    return location == null ? -1 : location.getLineNr();
  }

  private static int lineAt(byte[] content, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < content.length; i++) {
      if (content[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  private static String firstLine(@Nullable String message) {
    if (message == null || message.isBlank()) {
      return "syntax error";
    }
    int newline = message.indexOf('\n');
    return SafeText.printable(newline < 0 ? message : message.substring(0, newline), 200);
  }

  private static PolicyException withCause(PolicyException e, Throwable cause) {
    e.initCause(cause);
    return e;
  }
}

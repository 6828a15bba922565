package dev.breakglass.cli;

import dev.breakglass.ApprovalSignature;
import dev.breakglass.Decision;
import dev.breakglass.InvalidRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One signed decision read from a file, as {@code breakglass approve} prints it:
 *
 * <pre>
 * breakglass-signed-decision-v1
 * grant: bg-drill-1f2e...
 * request-digest: 3f9a...            (64 hex digits)
 * custodian: carol
 * decision: approve                  (or deny, then a "reason:" line)
 * breakglass-signature-v1
 * kind: ed25519
 * key: ed25519:Xq3...
 * signed-at: 2026-11-28T09:01:30Z
 * signature: 9f2...
 * </pre>
 *
 * <p>The file is untrusted input (it travels by mail, chat or a shared directory): it is read only
 * up to {@link #MAX_BYTES}, must be UTF-8 without control characters, and is parsed strictly (the
 * header first, known fields each once, no stray lines). A parsed decision is not yet trusted: the
 * engine verifies its signature against the custodian's registered key. Every error names the file,
 * the line where it applies, and the fix.
 *
 * @param file where it was read
 * @param grant the grant (drill) it decides
 * @param requestDigest the request digest the custodian reviewed and signed
 * @param custodian who decided
 * @param decision approve or deny
 * @param reason why, for a denial
 * @param signature the custodian's signature, not yet verified
 */
record DecisionFile(Path file, String grant, String requestDigest, String custodian, Decision decision,
    @Nullable String reason, ApprovalSignature signature) {
  /** The largest decision file read (a WebAuthn signature with its client data fits many times). */
  static final int MAX_BYTES = 16 * 1024;
  /** The file name ending {@code --inbox} picks up. */
  static final String SUFFIX = ".decision";

  private static final Set<String> DECISION_FIELDS = Set.of("grant", "request-digest", "custodian", "decision",
      "reason");
  private static final Set<String> SIGNATURE_FIELDS = Set.of("kind", "key", "signed-at", "signature",
      "authenticator-data", "client-data-json");
  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern GRANT = Pattern.compile("bg-[a-z0-9-]{1,100}");
  private static final String FIX = "give the file 'breakglass approve' printed, unchanged";

  /** The files named by {@code --decision}, then the {@code *.decision} files of {@code inbox} by name. */
  static List<DecisionFile> readAll(List<Path> files, @Nullable Path inbox) {
    List<Path> all = new ArrayList<>(files);
    if (inbox != null) {
      if (!Files.isDirectory(inbox)) {
        throw new UsageException("decision inbox " + inbox + (Files.exists(inbox) ? " is a file" : " does not exist")
            + "; give the directory where the custodians' " + SUFFIX + " files are collected");
      }
      List<Path> found = new ArrayList<>();
      try (DirectoryStream<Path> in = Files.newDirectoryStream(inbox, "*" + SUFFIX)) {
        in.forEach(found::add);
      } catch (IOException e) {
        throw new UsageException("cannot list the decision inbox " + inbox + ": " + e.getMessage());
      }
      found.sort(null);
      all.addAll(found);
    }
    List<DecisionFile> read = new ArrayList<>();
    for (Path f : all) {
      read.add(read(f));
    }
    return read;
  }

  /** Reads and strictly parses one decision file. */
  static DecisionFile read(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new UsageException("decision file " + file + (Files.isDirectory(file) ? " is a directory"
          : Files.exists(file) ? " is not a regular file (a link or a device)" : " does not exist")
          + "; " + FIX);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw new UsageException("cannot read decision file " + file + ": " + e.getMessage());
    }
    if (bytes.length > MAX_BYTES) {
      throw new UsageException("decision file " + file + " is larger than " + MAX_BYTES / 1024
          + " KiB, so it is not a decision; " + FIX);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new UsageException("decision file " + file + " is not UTF-8 text; " + FIX);
    }
    return parse(file, text);
  }

  static DecisionFile parse(Path file, String text) {
    String[] lines = text.replace("\r\n", "\n").split("\n", -1);
    int last = lines.length;
    while (last > 0 && lines[last - 1].isEmpty()) {
      last--;
    }
    if (last == 0 || !lines[0].equals(SigningCommands.DECISION_HEADER)) {
      throw error(file, 1, "the first line is not '" + SigningCommands.DECISION_HEADER + "'");
    }
    Map<String, String> decision = new LinkedHashMap<>();
    Map<String, String> signature = new LinkedHashMap<>();
    Map<String, String> into = decision;
    Set<String> known = DECISION_FIELDS;
    for (int i = 1; i < last; i++) {
      String line = lines[i];
      int n = i + 1;
      for (int c = 0; c < line.length(); c++) {
        char ch = line.charAt(c);
        if (Character.isISOControl(ch) || Character.getType(ch) == Character.FORMAT) {
          throw error(file, n, String.format("it holds the control or invisible character U+%04X", (int) ch));
        }
      }
      if (line.equals(ApprovalSignature.TEXT_HEADER)) {
        if (into == signature) {
          throw error(file, n, "a second '" + ApprovalSignature.TEXT_HEADER + "' line");
        }
        into = signature;
        known = SIGNATURE_FIELDS;
        continue;
      }
      int colon = line.indexOf(": ");
      if (colon <= 0) {
        throw error(file, n, "the line is not 'name: value'");
      }
      String name = line.substring(0, colon);
      String value = line.substring(colon + 2);
      if (!known.contains(name)) {
        throw error(file, n, "unknown field '" + name + "' (expected " + String.join(", ", known.stream().sorted()
            .toList()) + ")");
      }
      if (value.isBlank() || !value.equals(value.strip())) {
        throw error(file, n, "the value of '" + name + "' is empty or has blanks around it");
      }
      if (into.putIfAbsent(name, value) != null) {
        throw error(file, n, "'" + name + "' appears twice");
      }
    }
    if (into != signature) {
      throw error(file, last + 1, "no '" + ApprovalSignature.TEXT_HEADER + "' section: the decision is not signed");
    }
    for (String required : List.of("grant", "request-digest", "custodian", "decision")) {
      if (!decision.containsKey(required)) {
        throw error(file, 0, "the field '" + required + "' is missing");
      }
    }
    if (!GRANT.matcher(decision.get("grant")).matches()) {
      throw error(file, 0, "the grant '" + decision.get("grant") + "' is not a grant id");
    }
    if (!DIGEST.matcher(decision.get("request-digest")).matches()) {
      throw error(file, 0, "the request digest is not 64 lower-case hex digits");
    }
    Decision d = switch (decision.get("decision")) {
      case "approve" -> Decision.APPROVE;
      case "deny" -> Decision.DENY;
      default -> throw error(file, 0, "the decision must be 'approve' or 'deny', not '" + decision.get("decision")
          + "'");
    };
    String reason = decision.get("reason");
    if ((d == Decision.DENY) != (reason != null)) {
      throw error(file, 0, d == Decision.DENY ? "a denial needs its 'reason' line" : "an approval has no 'reason'");
    }
    ApprovalSignature sig;
    try {
      sig = ApprovalSignature.fromFields(signature);
    } catch (InvalidRequestException e) {
      throw error(file, 0, "the signature is malformed: " + e.getMessage());
    }
    return new DecisionFile(file, decision.get("grant"), decision.get("request-digest"), decision.get("custodian"), d,
        reason, sig);
  }

  private static UsageException error(Path file, int line, String what) {
    return new UsageException("decision file " + file + (line > 0 ? ", line " + line : "") + ": " + what + "; "
        + FIX);
  }
}

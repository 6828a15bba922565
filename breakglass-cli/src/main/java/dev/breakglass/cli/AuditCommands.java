package dev.breakglass.cli;

import dev.breakglass.AuditEvent;
import dev.breakglass.core.approval.ApprovalLogVerifier;
import dev.breakglass.core.approval.SignatureVerifiers;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditLogVerifier.VerificationResult;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.core.audit.Checkpoint;
import dev.breakglass.core.audit.Fingerprinter;
import dev.breakglass.core.audit.PostIncidentReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code verify}, {@code checkpoint}, {@code report} and {@code fingerprint}: every command that
 * reads a log verifies it first with the public key, so nothing is reported from a log that does
 * not verify.
 */
final class AuditCommands {
  private static final String PUBLIC_KEY_HEADER = "breakglass-audit-public-key v1";
  private static final String SIGNING_KEY_HEADER = "breakglass-audit-signing-key v1";
  private static final String FINGERPRINT_KEY_HEADER = "breakglass-fingerprint-key v1";
  private static final String SEGMENT_GLOB = "segment-*.bgaudit";

  private AuditCommands() {}

  /** The log directory and the keys every log command needs. */
  abstract static class LogCommand {
    final BreakGlassCli cli;

    @Parameters(index = "0", paramLabel = "DIR", description = "The audit log directory: <data>/audit.")
    Path dir;

    @Option(names = "--public-key", paramLabel = "FILE", required = true,
        description = "The log's public key: your copy of <data>/audit.pub kept outside the data directory "
            + "(whoever can rewrite the log can rewrite <data>/audit.pub). Repeat for a log signed with several "
            + "keys over time.")
    List<Path> keys;

    LogCommand(BreakGlassCli cli) {
      this.cli = cli;
    }

    AuditLogVerifier.Builder verifier() {
      requireLogDirectory(dir);
      AuditLogVerifier.Builder builder = null;
      for (Path k : keys) {
        warnIfInsideDataDirectory(cli.err, dir, k, "public key");
        AuditPublicKey key = readPublicKey(k);
        builder = builder == null ? AuditLogVerifier.builder(key) : builder.trustedKey(key);
      }
      return Objects.requireNonNull(builder);
    }

    /** Verifies with a progress bar on the terminal when one is attached. */
    VerificationResult verify(AuditLogVerifier.Builder builder, boolean quiet) {
      ProgressBar bar = quiet || !cli.terminal.interactive() ? null : ProgressBar.forLog(dir, cli.err);
      try {
        return builder.progress(bar).build().verify(dir);
      } finally {
        if (bar != null) {
          bar.done();
        }
      }
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      sortOptions = false,
      description = {"Verify the audit log in DIR: every frame and CRC, every Merkle leaf, sequence numbers and "
          + "times, and every signed checkpoint.",
          "Then re-verify every signed approval and denial against the custodians' public keys registered in the "
              + "log itself; a decision that does not verify is named by its record.",
          "With --checkpoint, also prove the log still holds the tree of a checkpoint kept elsewhere (a file, or "
              + "the engine's witness directory): it has only grown since, was not rolled back, and is the same log.",
          "Keep the public key and the checkpoint outside the data directory: a copy there proves nothing "
              + "against whoever can write it (verify warns)."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass verify /var/lib/breakglass/audit --public-key audit.pub",
          "  breakglass verify data/audit --public-key audit.pub --checkpoint kept.txt",
          "  breakglass verify data/audit --public-key audit.pub \\",
          "      --checkpoint /mnt/audit-witness/myapp",
          "  breakglass verify data/audit --public-key audit.pub --json | jq .valid"})
  static final class Verify extends LogCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", paramLabel = "FILE",
        description = "A checkpoint kept where the log's host cannot write: a file from 'breakglass checkpoint', "
            + "or a witness directory (witness.directory.path; its file 'checkpoint' is read).")
    @Nullable Path checkpoint;

    @Option(names = "--sealed", description = "Require every record to be covered by a signature (a cleanly closed log).")
    boolean sealed;

    @Option(names = "--decode", description = "Also decode every record and check its canonical JSON (slower).")
    boolean decode;

    @Option(names = "--json", description = "Print the outcome as one JSON object, for scripts.")
    boolean json;

    Verify(BreakGlassCli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      AuditLogVerifier.Builder builder = verifier();
      Checkpoint kept = null;
      if (checkpoint != null) {
        Path file = Files.isDirectory(checkpoint) ? checkpoint.resolve("checkpoint") : checkpoint;
        warnIfInsideDataDirectory(cli.err, dir, file, "checkpoint");
        kept = readCheckpoint(file);
        try {
          builder.trustedCheckpoint(kept);
        } catch (IllegalArgumentException e) {
          throw new UsageException("checkpoint file " + checkpoint + ": " + e.getMessage()
              + "; give the public key it was signed with");
        }
      }
      VerificationResult result = verify(builder.requireSealed(sealed).decodeRecords(decode), json);
      // Signed approvals are re-verified only in a log whose records are proven unchanged.
      ApprovalLogVerifier.Result approvals = result.valid()
          ? ApprovalLogVerifier.verify(AuditLogReader.readEvents(dir), SignatureVerifiers.offline()) : null;
      boolean valid = result.valid() && approvals != null && approvals.valid();
      if (json) {
        ObjectNode n = resultJson(dir, result);
        if (kept != null) {
          n.set("keptCheckpoint", checkpointJson(kept));
          n.put("keptCheckpointIsPrefix", result.valid());
        }
        if (approvals != null) {
          n.set("approvals", ApprovalReport.json(approvals));
          n.put("valid", valid);
        }
        cli.out.println(JsonMapper.builder().build().writeValueAsString(n));
        return valid ? BreakGlassCli.OK : BreakGlassCli.FAILED;
      }
      if (!describe(cli.out, dir, result)) {
        return BreakGlassCli.FAILED;
      }
      if (kept != null) {
        cli.out.printf(Locale.ROOT, "The kept checkpoint (%,d records, signed %s%s) is a prefix of this log: it has only "
            + "grown since.%n", kept.treeSize(), kept.time().truncatedTo(ChronoUnit.SECONDS),
            kept.logId() == null ? "" : ", log " + kept.logId());
      }
      return ApprovalReport.describe(approvals, cli.out) ? BreakGlassCli.OK : BreakGlassCli.FAILED;
    }
  }

  @Command(name = "checkpoint", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      description = {"Verify the log, then print its latest signed checkpoint, to keep where the log's host cannot "
          + "write (a ticket, another machine, paper)."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass checkpoint data/audit --public-key audit.pub > kept.txt",
          "  breakglass verify data/audit --public-key audit.pub --checkpoint kept.txt"})
  static final class CheckpointCommand extends LogCommand implements Callable<Integer> {
    CheckpointCommand(BreakGlassCli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      VerificationResult result = verify(verifier(), false);
      if (!result.valid()) {
        describe(cli.err, dir, result);
        return BreakGlassCli.FAILED;
      }
      Checkpoint last = result.lastCheckpoint();
      if (last == null) {
        cli.err.println("breakglass checkpoint: the log in " + dir + " has no signed checkpoint yet; the engine signs "
            + "one at the latest when it closes");
        return BreakGlassCli.FAILED;
      }
      cli.out.print(last.toText());
      return BreakGlassCli.OK;
    }
  }

  /** The formats of {@code report --format}. */
  enum Format {
    TEXT, MD, HTML, JSON
  }

  @Command(name = "report", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      sortOptions = false,
      description = {"Verify the log, then write the post-incident review built from it alone: the timeline from "
          + "outage to recovery, every grant, a summary per account, every alert's delivery, and anomalies.",
          "Nothing is reported from a log that fails verification."},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass report data/audit --public-key audit.pub",
          "  breakglass report data/audit --public-key audit.pub \\",
          "      --format html --out review.html",
          "  breakglass report data/audit --public-key audit.pub \\",
          "      --format json | jq .anomalies"})
  static final class Report extends LogCommand implements Callable<Integer> {
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
        description = "text, md (Markdown), html (one self-contained page) or json (schema version "
            + PostIncidentReport.JSON_VERSION + "). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the review to FILE instead of standard output.")
    @Nullable Path outFile;

    @Option(names = "--approval-timeout", paramLabel = "DURATION", defaultValue = "15m",
        converter = DurationConverter.class,
        description = "The policy's approval timeout (e.g. 15m, 1h), to flag approvals given close to it. "
            + "Default: ${DEFAULT-VALUE}.")
    Duration approvalTimeout;

    Report(BreakGlassCli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      if (outFile != null && Files.isDirectory(outFile)) {
        throw new UsageException("--out " + outFile + " is a directory; give a file name such as "
            + outFile.resolve("review." + extension()));
      }
      VerificationResult result = verify(verifier(), false);
      // With the review on standard output in a machine format, the verification summary goes to standard error.
      PrintStream summary = outFile == null && format != Format.TEXT ? cli.err : cli.out;
      if (!describe(summary, dir, result)) {
        cli.err.println("No review is printed or written from a log that fails verification.");
        return BreakGlassCli.FAILED;
      }
      List<AuditEvent> events = AuditLogReader.readEvents(dir);
      PostIncidentReport report = PostIncidentReport.of(events).verifiedAgainst(result.lastCheckpoint())
          .approvalTimeout(approvalTimeout);
      String text = switch (format) {
        case TEXT -> report.toText();
        case MD -> report.toMarkdown();
        case HTML -> report.toHtml();
        case JSON -> report.toJson();
      };
      if (outFile == null) {
        if (format == Format.TEXT) {
          cli.out.println();
        }
        cli.out.print(text);
        return BreakGlassCli.OK;
      }
      try {
        Path parent = outFile.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(outFile, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UsageException("cannot write the review to " + outFile + ": " + e.getMessage());
      }
      cli.out.println("wrote the " + format.name().toLowerCase(Locale.ROOT) + " review to " + outFile);
      return BreakGlassCli.OK;
    }

    private String extension() {
      return format == Format.TEXT ? "txt" : format.name().toLowerCase(Locale.ROOT);
    }
  }

  @Command(name = "fingerprint", mixinStandardHelpOptions = true, versionProvider = BreakGlassCli.Version.class,
      description = {"Read values from standard input, one per line, and print each one's keyed fingerprint, to find "
          + "a known ticket, client address or identification in the log."},
      footerHeading = "%nExamples:%n",
      footer = {"  echo INC-4711 | breakglass fingerprint --key data/keys/fingerprint.key",
          "  breakglass fingerprint --key fingerprint.key < addresses.txt",
          "  breakglass fingerprint --key fingerprint.key --write-review-key review.key"})
  static final class Fingerprint implements Callable<Integer> {
    private final BreakGlassCli cli;

    @Option(names = "--key", paramLabel = "FILE", required = true,
        description = "The engine's fingerprint key (owner-only; not the audit.pub).")
    Path keyFile;

    @Option(names = "--write-review-key", paramLabel = "FILE",
        description = "Write the key to give reviewers (owner-only, must not exist): it matches tickets, "
            + "identification and client addresses, but not released credentials, which are fingerprinted "
            + "under a separate derived key.")
    @Nullable Path reviewKeyFile;

    Fingerprint(BreakGlassCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      Files2.requireFile(keyFile, "fingerprint key");
      String header = firstLine(keyFile);
      if (PUBLIC_KEY_HEADER.equals(header)) {
        throw new UsageException(keyFile + " is the audit log's public key, not the fingerprint key: give --key the "
            + "engine's fingerprint key, <data>/keys/fingerprint.key (owner-only)");
      }
      if (SIGNING_KEY_HEADER.equals(header)) {
        throw new UsageException(keyFile + " is the audit log's signing key, not the fingerprint key: give --key the "
            + "engine's fingerprint key, <data>/keys/fingerprint.key");
      }
      if (header == null || !header.startsWith(FINGERPRINT_KEY_HEADER)) {
        throw new UsageException(keyFile + " is not a breakglass fingerprint key (its first line should be '"
            + FINGERPRINT_KEY_HEADER + "')");
      }
      Fingerprinter fingerprinter = Fingerprinter.load(keyFile);
      if (reviewKeyFile != null) {
        if (Files.exists(reviewKeyFile)) {
          throw new UsageException(reviewKeyFile + " already exists: choose a new file for the review key");
        }
        fingerprinter.writeReviewKey(reviewKeyFile);
        cli.out.println("review key written to " + reviewKeyFile
            + " (matches tickets, identification and client addresses; not released credentials)");
        return BreakGlassCli.OK;
      }
      cli.err.println("fingerprint key purpose: " + fingerprinter.purpose());
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(cli.in, StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          String value = line.strip();
          if (!value.isEmpty()) {
            cli.out.println(fingerprinter.fingerprint(value));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read standard input", e);
      }
      return BreakGlassCli.OK;
    }
  }

  /** Accepts {@code 15m}, {@code 1h}, {@code 90s}, {@code 2d} or an ISO-8601 duration. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      try {
        if (v.startsWith("p")) {
          return Duration.parse(v.toUpperCase(Locale.ROOT));
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (v.charAt(v.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          case 'd' -> Duration.ofDays(n);
          default -> throw new IllegalArgumentException();
        };
      } catch (RuntimeException e) {
        throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a duration (use e.g. 15m, 1h, "
            + "90s or PT15M)");
      }
    }
  }

  /**
   * Warns on standard error when a trust anchor ({@code what}: the public key, the checkpoint) lies
   * inside the log's data directory (the parent of the log directory): whoever can rewrite the log
   * can replace it too, so it proves nothing against them.
   */
  static void warnIfInsideDataDirectory(PrintStream err, Path logDir, Path anchor, String what) {
    Path data = logDir.toAbsolutePath().normalize().getParent();
    Path file = anchor.toAbsolutePath().normalize();
    try {
      data = data == null ? null : data.toRealPath();
      file = file.toRealPath();
    } catch (IOException e) {
      // Not there (reported by the reader) or unreadable: compare the paths as given.
    }
    if (data != null && file.startsWith(data)) {
      err.println("warning: the " + what + " " + anchor + " lies inside the data directory " + data + ": whoever can "
          + "rewrite the log can replace it too. Verify with a copy kept elsewhere (see 'Keep the trust outside the "
          + "data directory' in the README).");
    }
  }

  static void requireLogDirectory(Path dir) {
    if (!Files.exists(dir)) {
      Path parent = dir.toAbsolutePath().getParent();
      throw new UsageException("audit log directory " + dir + " does not exist; give the log directory, which is "
          + "<data>/audit" + (parent != null && Files.isDirectory(parent) ? "" : " (" + parent + " does not exist either)"));
    }
    if (!Files.isDirectory(dir)) {
      throw new UsageException(dir + " is a file, not an audit log directory; give the log directory, <data>/audit");
    }
    if (!hasSegments(dir) && hasSegments(dir.resolve("audit"))) {
      throw new UsageException(dir + " holds no audit log, but " + dir.resolve("audit") + " does: this is the data "
          + "directory; give its log directory, " + dir.resolve("audit"));
    }
  }

  private static boolean hasSegments(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var s = Files.newDirectoryStream(dir, SEGMENT_GLOB)) {
      return s.iterator().hasNext();
    } catch (IOException e) {
      throw new UsageException("cannot read directory " + dir + ": " + e.getMessage());
    }
  }

  static AuditPublicKey readPublicKey(Path file) {
    Files2.requireFile(file, "public key");
    try {
      return AuditPublicKey.read(file);
    } catch (IllegalArgumentException e) {
      String header = firstLine(file);
      String what = FINGERPRINT_KEY_HEADER.equals(header) ? "the fingerprint key"
          : SIGNING_KEY_HEADER.equals(header) ? "the audit signing key (keep it secret!)" : null;
      throw new UsageException("public key file " + file + (what == null ? ": " + e.getMessage()
          : " is " + what + ", not the log's public key") + "; give --public-key the audit.pub written next to the "
          + "data directory");
    }
  }

  static Checkpoint readCheckpoint(Path file) {
    String text = Files2.readText(file, "checkpoint");
    try {
      return Checkpoint.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("checkpoint file " + file + ": " + e.getMessage()
          + "; give a file written by 'breakglass checkpoint'");
    }
  }

  /** The first line of a file, read without the rest (which may be a secret). */
  private static String firstLine(Path file) {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      char[] buf = new char[64];
      int n = r.read(buf);
      String s = n <= 0 ? "" : new String(buf, 0, n);
      int nl = s.indexOf('\n');
      return (nl < 0 ? s : s.substring(0, nl)).strip();
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /**
   * Prints the outcome of verification; returns whether the log is valid. A failed log counts as
   * verified only the records a valid signed checkpoint covers: records read after it were never
   * proven, and a changed record is only detected at the next checkpoint.
   */
  static boolean describe(PrintStream out, Path directory, VerificationResult r) {
    if (!r.valid()) {
      out.println("FAILED  " + directory);
      out.println("  " + r.problem());
      long proven = proven(r);
      out.printf(Locale.ROOT, "  %,d %s and %,d signed %s verified before it%n", proven, plural(proven, "record"),
          r.checkpoints(), plural(r.checkpoints(), "checkpoint"));
      long unproven = r.records() - proven;
      if (unproven > 0) {
        out.printf(Locale.ROOT, "  records %,d to %,d were read but are not proven by any signature%n", proven,
            r.records() - 1);
      }
      return false;
    }
    out.println("OK  " + directory);
    out.printf(Locale.ROOT, "  %,d %s, %,d signed %s%n", r.records(), plural(r.records(), "record"), r.checkpoints(),
        plural(r.checkpoints(), "checkpoint"));
    Checkpoint last = r.lastCheckpoint();
    if (last != null) {
      out.printf(Locale.ROOT, "  latest checkpoint: %,d %s, root %s, signed %s by key %s%n", last.treeSize(),
          plural(last.treeSize(), "record"), Base64.getEncoder().encodeToString(last.rootHash()),
          last.time().truncatedTo(ChronoUnit.SECONDS), last.keyId());
    }
    if (r.unsignedRecords() > 0) {
      out.printf(Locale.ROOT, "  %,d %s after it %s not yet covered by a signature%n", r.unsignedRecords(),
          plural(r.unsignedRecords(), "record"), r.unsignedRecords() == 1 ? "is" : "are");
    }
    return true;
  }

  private static long proven(VerificationResult r) {
    Checkpoint last = r.lastCheckpoint();
    return Math.min(r.records(), last == null ? 0 : last.treeSize());
  }

  static String plural(long n, String word) {
    return n == 1 ? word : word + "s";
  }

  static ObjectNode resultJson(Path dir, VerificationResult r) {
    ObjectNode n = JsonMapper.builder().build().createObjectNode();
    n.put("directory", dir.toString());
    n.put("valid", r.valid());
    n.put("records", r.records());
    n.put("verifiedRecords", r.valid() ? r.records() : proven(r));
    n.put("checkpoints", r.checkpoints());
    n.put("unsignedRecords", r.unsignedRecords());
    Checkpoint last = r.lastCheckpoint();
    if (last == null) {
      n.putNull("latestCheckpoint");
    } else {
      n.set("latestCheckpoint", checkpointJson(last));
    }
    if (r.problem() == null) {
      n.putNull("problem");
    } else {
      n.putObject("problem").put("record", r.problem().recordIndex()).put("segment", r.problem().segment())
          .put("byteOffset", r.problem().byteOffset()).put("description", r.problem().description());
    }
    return n;
  }

  static ObjectNode checkpointJson(Checkpoint c) {
    return JsonMapper.builder().build().createObjectNode().put("logId", c.logId()).put("treeSize", c.treeSize())
        .put("root", Base64.getEncoder().encodeToString(c.rootHash())).put("time", c.time().toString())
        .put("keyId", c.keyId());
  }
}

package dev.breakglass.cli;

import dev.breakglass.AuditEvent;
import dev.breakglass.cli.Args.UsageException;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditLogVerifier.VerificationResult;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.core.audit.Checkpoint;
import dev.breakglass.core.audit.Fingerprinter;
import dev.breakglass.core.audit.PostIncidentReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code verify}, {@code checkpoint}, {@code report} and {@code fingerprint}: every command that
 * reads a log verifies it first with the public key, so nothing is reported from a log that does
 * not verify.
 */
final class AuditCommands {
  private static final List<String> LOG = List.of("the audit log directory");
  private static final String KEY = "--public-key";

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;

  AuditCommands(InputStream in, PrintStream out, PrintStream err) {
    this.in = in;
    this.out = out;
    this.err = err;
  }

  int verify(List<String> argv) throws UsageException {
    Args a = Args.parse("verify", argv, Set.of(KEY, "--checkpoint"), Set.of("--sealed", "--decode"), LOG);
    AuditLogVerifier.Builder builder = verifierFor(a, "verify");
    Optional<String> keptFile = a.value("--checkpoint");
    Checkpoint kept = null;
    if (keptFile.isPresent()) {
      kept = Checkpoint.parse(Files2.readText(Path.of(keptFile.get()), "checkpoint"));
      builder.trustedCheckpoint(kept);
    }
    Path dir = a.path(0);
    VerificationResult result = builder.requireSealed(a.flag("--sealed")).decodeRecords(a.flag("--decode")).build()
        .verify(dir);
    if (!describe(dir, result)) {
      return BreakGlassCli.FAILED;
    }
    if (kept != null) {
      out.printf(Locale.ROOT, "The kept checkpoint (%,d records, signed %s) is a prefix of this log: it has only "
          + "grown since.%n", kept.treeSize(), kept.time());
    }
    return BreakGlassCli.OK;
  }

  int checkpoint(List<String> argv) throws UsageException {
    Args a = Args.parse("checkpoint", argv, Set.of(KEY), Set.of(), LOG);
    VerificationResult result = verifierFor(a, "checkpoint").build().verify(a.path(0));
    if (!result.valid()) {
      err.println("FAILED  " + result.problem());
      return BreakGlassCli.FAILED;
    }
    Checkpoint last = result.lastCheckpoint();
    if (last == null) {
      err.println("breakglass: the log in " + a.path(0) + " has no signed checkpoint yet");
      return BreakGlassCli.FAILED;
    }
    out.print(last.toText());
    return BreakGlassCli.OK;
  }

  int report(List<String> argv) throws UsageException {
    Args a = Args.parse("report", argv, Set.of(KEY), Set.of(), LOG);
    Path dir = a.path(0);
    VerificationResult result = verifierFor(a, "report").build().verify(dir);
    if (!describe(dir, result)) {
      err.println("No review is printed from a log that fails verification.");
      return BreakGlassCli.FAILED;
    }
    List<AuditEvent> events = AuditLogReader.readEvents(dir);
    out.println();
    out.print(PostIncidentReport.of(events).toText());
    return BreakGlassCli.OK;
  }

  int fingerprint(List<String> argv) throws UsageException {
    Args a = Args.parse("fingerprint", argv, Set.of("--key", "--write-review-key"), Set.of(), List.of());
    Path keyFile = Path.of(a.required("--key", "the fingerprint key file"));
    Fingerprinter fingerprinter = Fingerprinter.load(Files2.requireFile(keyFile, "fingerprint key"));
    Optional<String> reviewKey = a.value("--write-review-key");
    if (reviewKey.isPresent()) {
      fingerprinter.writeReviewKey(Path.of(reviewKey.get()));
      out.println("review key written to " + reviewKey.get()
          + " (matches tickets, identification and client addresses; not released credentials)");
      return BreakGlassCli.OK;
    }
    err.println("fingerprint key purpose: " + fingerprinter.purpose());
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String value = line.strip();
        if (!value.isEmpty()) {
          out.println(fingerprinter.fingerprint(value));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read standard input", e);
    }
    return BreakGlassCli.OK;
  }

  private static AuditLogVerifier.Builder verifierFor(Args a, String command) throws UsageException {
    List<String> keys = a.values(KEY);
    if (keys.isEmpty()) {
      throw new UsageException(command + " needs " + KEY + " (the log's audit.pub)");
    }
    AuditLogVerifier.Builder builder = null;
    for (String k : keys) {
      AuditPublicKey key = AuditPublicKey.read(Files2.requireFile(Path.of(k), "public key"));
      builder = builder == null ? AuditLogVerifier.builder(key) : builder.trustedKey(key);
    }
    return Objects.requireNonNull(builder);
  }

  /** Prints the outcome of verification; returns whether the log is valid. */
  private boolean describe(Path directory, VerificationResult r) {
    if (!r.valid()) {
      out.println("FAILED  " + directory);
      out.println("  " + r.problem());
      out.printf(Locale.ROOT, "  %,d records and %,d signed checkpoints verified before it%n", r.records(),
          r.checkpoints());
      return false;
    }
    out.println("OK  " + directory);
    out.printf(Locale.ROOT, "  %,d records, %,d signed checkpoints%n", r.records(), r.checkpoints());
    Checkpoint last = r.lastCheckpoint();
    if (last != null) {
      out.printf(Locale.ROOT, "  latest checkpoint: %,d records, signed %s by key %s%n", last.treeSize(), last.time(),
          last.keyId());
    }
    if (r.unsignedRecords() > 0) {
      out.printf(Locale.ROOT, "  %,d records after it are not yet covered by a signature%n", r.unsignedRecords());
    }
    return true;
  }
}

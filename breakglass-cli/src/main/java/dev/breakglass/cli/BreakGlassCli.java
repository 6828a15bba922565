package dev.breakglass.cli;

import dev.breakglass.AuditEvent;
import dev.breakglass.core.audit.AuditLogCorruptException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code breakglass} command: what reviewers and operators run against an audit log without
 * writing code. Every command that reads a log verifies it first with the public key, so nothing is
 * reported from a log that does not verify.
 *
 * <p>Exit status: 0 success, 1 the log failed verification, 2 bad usage or unreadable input.
 */
public final class BreakGlassCli {
  static final int OK = 0;
  static final int INVALID = 1;
  static final int USAGE = 2;

  static final String USAGE_TEXT = """
      usage: breakglass <command> [options]

      commands:
        verify DIR --public-key FILE [--public-key FILE]... [--checkpoint FILE] [--sealed] [--decode]
            Verify the audit log in DIR: every frame and CRC, every Merkle leaf, sequence numbers
            and times, and every signed checkpoint. With --checkpoint, also prove the log still
            holds the tree of a checkpoint kept elsewhere: it has only grown since. --sealed
            requires every record to be covered by a signature (a cleanly closed log); --decode
            also checks each record's canonical JSON.
        checkpoint DIR --public-key FILE...
            Verify the log, then print its latest signed checkpoint, to keep somewhere the log's
            host cannot write (verify --checkpoint uses it later).
        report DIR --public-key FILE...
            Verify the log, then print the post-incident review built from it alone.
        fingerprint --key FILE
            Read values from standard input, one per line, and print each one's keyed
            fingerprint, to find a known ticket, client address or identification in the log.
        help
            Print this text.

      exit status: 0 success, 1 the log failed verification, 2 bad usage or unreadable input
      """;

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;

  BreakGlassCli(InputStream in, PrintStream out, PrintStream err) {
    this.in = in;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(new BreakGlassCli(System.in, System.out, System.err).run(args));
  }

  /** Runs one command and returns its exit status; never calls {@link System#exit}. */
  int run(String... args) {
    if (args.length == 0) {
      err.print(USAGE_TEXT);
      return USAGE;
    }
    String command = args[0];
    Options options;
    try {
      options = Options.parse(command, List.of(args).subList(1, args.length));
    } catch (UsageException e) {
      err.println("breakglass: " + e.getMessage());
      err.println("run 'breakglass help' for usage");
      return USAGE;
    }
    try {
      switch (command) {
        case "help", "--help", "-h":
          out.print(USAGE_TEXT);
          return OK;
        case "verify":
          return verify(options);
        case "checkpoint":
          return checkpoint(options);
        case "report":
          return report(options);
        case "fingerprint":
          return fingerprint(options);
        default:
          throw new IllegalStateException("unhandled command " + command);
      }
    } catch (IllegalArgumentException | UncheckedIOException | AuditLogCorruptException e) {
      err.println("breakglass: " + e.getMessage());
      return USAGE;
    }
  }

  private int verify(Options o) {
    AuditLogVerifier.Builder builder = verifierFor(o);
    Checkpoint kept = null;
    if (o.checkpoint != null) {
      kept = Checkpoint.parse(readText(o.checkpoint, "checkpoint"));
      builder.trustedCheckpoint(kept);
    }
    VerificationResult result = builder.requireSealed(o.sealed).decodeRecords(o.decode).build().verify(o.dir());
    if (!describe(o.dir(), result)) {
      return INVALID;
    }
    if (kept != null) {
      out.printf(Locale.ROOT, "The kept checkpoint (%,d records, signed %s) is a prefix of this log: it has only grown since.%n",
          kept.treeSize(), kept.time());
    }
    return OK;
  }

  private int checkpoint(Options o) {
    VerificationResult result = verifierFor(o).build().verify(o.dir());
    if (!result.valid()) {
      err.println("FAILED  " + result.problem());
      return INVALID;
    }
    Checkpoint last = result.lastCheckpoint();
    if (last == null) {
      err.println("breakglass: the log in " + o.dir() + " has no signed checkpoint yet");
      return INVALID;
    }
    out.print(last.toText());
    return OK;
  }

  private int report(Options o) {
    VerificationResult result = verifierFor(o).build().verify(o.dir());
    if (!describe(o.dir(), result)) {
      err.println("No review is printed from a log that fails verification.");
      return INVALID;
    }
    List<AuditEvent> events = AuditLogReader.readEvents(o.dir());
    out.println();
    out.print(PostIncidentReport.of(events).toText());
    return OK;
  }

  private int fingerprint(Options o) {
    Fingerprinter fingerprinter = Fingerprinter.load(requireFile(o.keyFile(), "fingerprint key"));
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
    return OK;
  }

  private AuditLogVerifier.Builder verifierFor(Options o) {
    AuditLogVerifier.Builder builder = null;
    for (Path p : o.publicKeys) {
      AuditPublicKey key = AuditPublicKey.read(requireFile(p, "public key"));
      builder = builder == null ? AuditLogVerifier.builder(key) : builder.trustedKey(key);
    }
    if (builder == null) {
      throw new IllegalStateException("options parsing guarantees a public key");
    }
    return builder;
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

  private static Path requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(what + " file " + file + " does not exist or is not a file");
    }
    return file;
  }

  private static String readText(Path file, String what) {
    try {
      return Files.readString(requireFile(file, what), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + " file " + file, e);
    }
  }

  /** A command line that cannot be run as given. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** The parsed options of one command; each command accepts only its own. */
  static final class Options {
    @Nullable Path directory;
    final List<Path> publicKeys = new ArrayList<>();
    @Nullable Path checkpoint;
    @Nullable Path key;
    boolean sealed;
    boolean decode;

    static Options parse(String command, List<String> args) throws UsageException {
      List<String> allowed = switch (command) {
        case "verify" -> List.of("--public-key", "--checkpoint", "--sealed", "--decode");
        case "checkpoint", "report" -> List.of("--public-key");
        case "fingerprint" -> List.of("--key");
        case "help", "--help", "-h" -> List.of();
        default -> throw new UsageException("unknown command '" + command + "'");
      };
      boolean wantsDirectory = List.of("verify", "checkpoint", "report").contains(command);
      Options o = new Options();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (!a.startsWith("--")) {
          if (!wantsDirectory || o.directory != null) {
            throw new UsageException("unexpected argument '" + a + "' for " + command);
          }
          o.directory = Path.of(a);
          continue;
        }
        if (!allowed.contains(a)) {
          throw new UsageException("unknown option " + a + " for " + command
              + (allowed.isEmpty() ? "" : " (accepted: " + String.join(", ", allowed) + ")"));
        }
        switch (a) {
          case "--sealed" -> o.sealed = true;
          case "--decode" -> o.decode = true;
          default -> {
            if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
              throw new UsageException("option " + a + " needs a file");
            }
            Path value = Path.of(args.get(++i));
            switch (a) {
              case "--public-key" -> o.publicKeys.add(value);
              case "--checkpoint" -> {
                if (o.checkpoint != null) {
                  throw new UsageException("--checkpoint given twice");
                }
                o.checkpoint = value;
              }
              case "--key" -> o.key = value;
              default -> throw new UsageException("unknown option " + a);
            }
          }
        }
      }
      if (wantsDirectory && o.directory == null) {
        throw new UsageException(command + " needs the audit log directory");
      }
      if (wantsDirectory && o.publicKeys.isEmpty()) {
        throw new UsageException(command + " needs --public-key (the log's audit.pub)");
      }
      if (command.equals("fingerprint") && o.key == null) {
        throw new UsageException("fingerprint needs --key (the fingerprint key file)");
      }
      return o;
    }

    /** The log directory; present for every command that reads a log (checked by {@link #parse}). */
    Path dir() {
      return Objects.requireNonNull(directory, "directory");
    }

    /** The fingerprint key file; present for {@code fingerprint} (checked by {@link #parse}). */
    Path keyFile() {
      return Objects.requireNonNull(key, "key");
    }
  }
}

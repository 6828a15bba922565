package dev.breakglass.cli;

import dev.breakglass.BreakGlassException;
import dev.breakglass.cli.Args.UsageException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The {@code breakglass} command: what reviewers, operators and custodians run without writing
 * code. Audit commands verify a log before they report anything from it; vault commands take
 * secrets only from the terminal (without echo), an environment variable or file named by an
 * option, or standard input, never from the command line.
 *
 * <p>Exit status: 0 success, 1 a check failed (the log does not verify, the shares do not open the
 * vault), 2 bad usage or unusable input (including a wrong passphrase).
 */
public final class BreakGlassCli {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  static final String USAGE_TEXT = """
      usage: breakglass <command> [options]

      audit log (every command verifies the log first):
        verify DIR --public-key FILE [--public-key FILE]... [--checkpoint FILE] [--sealed] [--decode]
            Verify the audit log in DIR: every frame and CRC, every Merkle leaf, sequence numbers
            and times, and every signed checkpoint. With --checkpoint, also prove the log still
            holds the tree of a checkpoint kept elsewhere: it has only grown since. --sealed
            requires every record to be covered by a signature (a cleanly closed log); --decode
            also checks each record's canonical JSON.
        checkpoint DIR --public-key FILE...
            Print the log's latest signed checkpoint, to keep where the log's host cannot write.
        report DIR --public-key FILE...
            Print the post-incident review built from the log alone.
        fingerprint --key FILE [--write-review-key FILE]
            Read values from standard input, one per line, and print each one's keyed
            fingerprint, to find a known ticket, client address or identification in the log.
            --write-review-key writes the key to give reviewers: it matches those values but
            not released credentials, which are fingerprinted under a separate derived key.

      credentials (passphrase: typed, or --passphrase-env NAME, or --passphrase-file FILE):
        vault create FILE [--custodians A,B,C --threshold M --shares-dir DIR]
            Create an encrypted vault; with --custodians, one sealed by any M of them, each
            custodian's share written to DIR/<custodian>.share (owner-only) to print and hand over.
        vault put FILE ACCOUNT
            Store the credential of ACCOUNT: typed twice without echo, or all of standard input.
        vault list FILE
            List the accounts in the vault, and its custodians if it is sealed.
        shares check FILE [--share FILE]...
            Check that these custodian shares (files, or typed one per line) open the sealed
            vault, without reading any credential: for drills and for custodians' peace of mind.

        help
            Print this text.

      exit status: 0 success, 1 a check failed, 2 bad usage or unusable input
      """;

  private final PrintStream out;
  private final PrintStream err;
  private final AuditCommands audit;
  private final VaultCommands vault;

  BreakGlassCli(InputStream in, PrintStream out, PrintStream err, Terminal terminal,
      UnaryOperator<@Nullable String> environment) {
    this.out = out;
    this.err = err;
    this.audit = new AuditCommands(in, out, err);
    this.vault = new VaultCommands(in, out, terminal, environment);
  }

  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    PrintStream out = System.out;
    int status = new BreakGlassCli(System.in, out, System.err, Terminal.system(), System::getenv).run(args);
    out.flush();
    System.exit(status);
  }

  /** Runs one command and returns its exit status; never calls {@link System#exit}. */
  int run(String... args) {
    if (args.length == 0) {
      err.print(USAGE_TEXT);
      return USAGE;
    }
    List<String> rest = List.of(args).subList(1, args.length);
    try {
      return dispatch(args[0], rest);
    } catch (UsageException e) {
      err.println("breakglass: " + e.getMessage());
      err.println("run 'breakglass help' for usage");
      return USAGE;
    } catch (IllegalArgumentException | UncheckedIOException | BreakGlassException e) {
      err.println("breakglass: " + e.getMessage());
      return USAGE;
    }
  }

  private int dispatch(String command, List<String> rest) throws UsageException {
    switch (command) {
      case "help", "--help", "-h":
        out.print(USAGE_TEXT);
        return OK;
      case "verify":
        return audit.verify(rest);
      case "checkpoint":
        return audit.checkpoint(rest);
      case "report":
        return audit.report(rest);
      case "fingerprint":
        return audit.fingerprint(rest);
      case "vault":
        return switch (sub("vault", rest, "create, put or list")) {
          case "create" -> vault.create(rest.subList(1, rest.size()));
          case "put" -> vault.put(rest.subList(1, rest.size()));
          case "list" -> vault.list(rest.subList(1, rest.size()));
          default -> throw new UsageException("unknown command 'vault " + rest.get(0) + "' (vault create, put or list)");
        };
      case "shares":
        if (!sub("shares", rest, "check").equals("check")) {
          throw new UsageException("unknown command 'shares " + rest.get(0) + "' (shares check)");
        }
        return vault.checkShares(rest.subList(1, rest.size()));
      default:
        throw new UsageException("unknown command '" + command + "'");
    }
  }

  private static String sub(String command, List<String> rest, String choices) throws UsageException {
    if (rest.isEmpty()) {
      throw new UsageException(command + " needs a subcommand: " + choices);
    }
    return rest.get(0);
  }
}

package dev.breakglass.cli;

import dev.breakglass.BreakGlassException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code breakglass} command: what reviewers, operators and custodians run without writing
 * code. Audit commands verify a log before they report anything from it; vault commands take
 * secrets only from the terminal (without echo), an environment variable or file named by an
 * option, or standard input, never from the command line.
 *
 * <p>Exit status: 0 success, 1 a check failed (the log does not verify, the shares do not open the
 * vault), 2 bad usage or unusable input (including a wrong passphrase or a missing file), and for
 * {@code drill} 3: the drill waits for its custodians' approvals.
 */
public final class BreakGlassCli {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  /** {@code drill} only: the drill is filed and waits for its custodians' approvals. */
  static final int WAITING = 3;

  private static final Map<String, String> EXIT_CODES = exitCodes(false);
  private static final Map<String, String> DRILL_EXIT_CODES = exitCodes(true);

  private static Map<String, String> exitCodes(boolean drill) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(" 0", drill ? "the drill passed" : "success");
    m.put(" 1", drill ? "the drill failed (the step and the reason are printed; its evidence is still written)"
        : "a check failed: the log does not verify, the shares do not open the vault");
    m.put(" 2", "bad usage or unusable input: a missing or unreadable file, a wrong key or passphrase"
        + (drill ? ", a decision file that is malformed or refused" : ""));
    if (drill) {
      m.put(" 3", "waiting: the drill is filed and waits for its custodians' approvals; continue it with --resume");
    }
    return m;
  }

  final InputStream in;
  final PrintStream out;
  final PrintStream err;
  final Terminal terminal;
  final UnaryOperator<@Nullable String> environment;

  BreakGlassCli(InputStream in, PrintStream out, PrintStream err, Terminal terminal,
      UnaryOperator<@Nullable String> environment) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.terminal = terminal;
    this.environment = environment;
  }

  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    // An engine run by 'drill' logs every alert; the command prints its own progress, so only CRITICAL ones show.
    if (System.getProperty("org.slf4j.simpleLogger.log.dev.breakglass.alert") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.dev.breakglass.alert", "error");
    }
    PrintStream out = System.out;
    int status = new BreakGlassCli(System.in, out, System.err, Terminal.system(), System::getenv).run(args);
    out.flush();
    System.exit(status);
  }

  /** The top-level command: lists the others. */
  @Command(name = "breakglass", mixinStandardHelpOptions = true, versionProvider = Version.class,
      sortOptions = false,
      description = {"Verify and review a breakglass audit log offline, and stage break-glass credentials.",
          "Every command that reads a log verifies it first with the public key."},
      subcommands = {AuditCommands.Verify.class, AuditCommands.CheckpointCommand.class, AuditCommands.Report.class,
          AuditCommands.Fingerprint.class, ExportCommand.class, DrillCommands.Drill.class, DrillCommands.Evidence.class,
          VaultCommands.Vault.class, VaultCommands.Shares.class, SigningCommands.Approve.class, SigningCommands.Keys.class,
          CommandLine.HelpCommand.class, AutoComplete.GenerateCompletion.class},
      footerHeading = "%nExamples:%n",
      footer = {"  breakglass verify /var/lib/breakglass/audit --public-key audit.pub",
          "  breakglass report /var/lib/breakglass/audit --public-key audit.pub \\",
          "      --format html --out review.html",
          "  breakglass drill app-admin --data data --policy policy.yaml --actor alice",
          "  breakglass evidence verify data/drills/bg-drill-1f2e.evidence.json \\",
          "      --public-key audit.pub",
          "  breakglass verify --help"})
  static final class Root implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return USAGE;
    }
  }

  /** The version of this build, from the jar's manifest or the build's properties. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BreakGlassCli.class.getPackage().getImplementationVersion();
      if (v == null) {
        Properties p = new Properties();
        try (InputStream in = BreakGlassCli.class.getResourceAsStream("version.properties")) {
          if (in != null) {
            p.load(in);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        v = p.getProperty("version", "unknown");
      }
      return new String[] {"breakglass " + v, "Java " + Runtime.version() + " (" + System.getProperty("java.vendor")
          + ")"};
    }
  }

  /** The command tree; subcommands get this context through their constructor. */
  CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Root(), new Factory(this));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(this::usageError);
    cl.setExecutionExceptionHandler((e, line, parsed) -> executionError(e, line));
    withExitCodes(cl);
    return cl;
  }

  private static void withExitCodes(CommandLine cl) {
    cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit status:%n")
        .exitCodeList(cl.getCommandSpec().userObject() instanceof DrillCommands.Drill ? DRILL_EXIT_CODES : EXIT_CODES);
    cl.getSubcommands().values().forEach(BreakGlassCli::withExitCodes);
  }

  /** Runs one command and returns its exit status; never calls {@link System#exit}. */
  int run(String... args) {
    return commandLine().execute(args);
  }

  private int usageError(ParameterException e, String[] args) {
    CommandLine line = e.getCommandLine();
    String command = line.getCommandSpec().qualifiedName();
    String unknown = e instanceof MissingParameterException ? unknownOption(line, args) : null;
    if (unknown != null) {
      // A mistyped option explains the missing input better than the missing input does.
      err.println(command + ": " + unknownOptionMessage(line, unknown));
    } else if (e instanceof MissingParameterException m && !m.getMissing().isEmpty()) {
      err.println(command + " needs " + String.join(" and ", m.getMissing().stream().map(BreakGlassCli::describe)
          .toList()));
    } else {
      err.println(command + ": " + (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
          ? unmatched(line, u) : e.getMessage()));
    }
    err.println("run '" + command + " --help' for usage and examples");
    return USAGE;
  }

  private static String describe(ArgSpec arg) {
    String what = arg.description().length == 0 ? "" : " (" + arg.description()[0].replaceFirst("\\.$", "") + ")";
    return arg instanceof OptionSpec o ? o.longestName() + " " + o.paramLabel() + what : arg.paramLabel() + what;
  }

  /** The first argument that looks like an option the command does not have, if any. */
  private static @Nullable String unknownOption(CommandLine line, String[] args) {
    for (String a : args) {
      if (a.equals("--")) {
        return null;
      }
      if (a.startsWith("-") && a.length() > 1 && line.getCommandSpec().findOption(a.split("=", 2)[0]) == null) {
        return a;
      }
    }
    return null;
  }

  private static String unknownOptionMessage(CommandLine line, String option) {
    List<String> options = line.getCommandSpec().options().stream().filter(o -> !o.hidden())
        .map(o -> o.longestName()).sorted().toList();
    return "unknown option " + option.split("=", 2)[0] + " for "
        + line.getCommandSpec().qualifiedName().replaceFirst("^breakglass ", "") + " (accepted: "
        + String.join(", ", options) + ")";
  }

  /** Names an unknown option or command, but never echoes a stray value: it may be a secret typed in the wrong place. */
  private static String unmatched(CommandLine line, UnmatchedArgumentException u) {
    String first = u.getUnmatched().get(0);
    String name = line.getCommandSpec().qualifiedName();
    if (first.startsWith("-")) {
      return unknownOptionMessage(line, first);
    }
    if (!line.getSubcommands().isEmpty()) {
      List<String> suggestions = u.getSuggestions();
      return "unknown command '" + (name + " " + first).replaceFirst("^breakglass ", "") + "'"
          + (suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?")
          + " (commands: " + String.join(", ", line.getSubcommands().keySet()) + ")";
    }
    return "unexpected argument for " + name.replaceFirst("^breakglass ", "")
        + " (not shown: secrets never belong on the command line)";
  }

  private int executionError(Exception e, CommandLine line) {
    String command = line.getCommandSpec().qualifiedName();
    if (e instanceof UsageException) {
      err.println(command + ": " + e.getMessage());
      err.println("run '" + command + " --help' for usage and examples");
    } else if (e instanceof IllegalArgumentException || e instanceof UncheckedIOException
        || e instanceof BreakGlassException) {
      err.println(command + ": " + e.getMessage());
    } else {
      err.println(command + ": unexpected " + e);
    }
    return USAGE;
  }

  /** Creates commands with this run's context; everything else as picocli would. */
  private record Factory(BreakGlassCli cli) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        var c = cls.getDeclaredConstructor(BreakGlassCli.class);
        c.setAccessible(true);
        return c.newInstance(cli);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      } catch (InvocationTargetException e) {
        throw e.getCause() instanceof Exception x ? x : e;
      }
    }
  }
}

package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command of the tree, found by walking it (so a new command cannot escape): its help has a
 * description, examples that can be pasted and the exit codes; an unknown option and a call without
 * its required input exit 2 with an error that names the command, what is wrong, and where the help
 * is.
 */
class EveryCommandTest {
  /** picocli's own commands: they have help and exit codes, but no examples of ours. */
  private static final Set<String> BUILT_IN = Set.of("help", "generate-completion");

  static Stream<String> commands() {
    List<String> names = new ArrayList<>();
    walk(new BreakGlassCli(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new CliRunner.ScriptedTerminal(), k -> null).commandLine(), names);
    return names.stream();
  }

  private static void walk(CommandLine line, List<String> names) {
    for (CommandLine sub : line.getSubcommands().values()) {
      names.add(sub.getCommandSpec().qualifiedName(" ").replaceFirst("^breakglass ", ""));
      walk(sub, names);
    }
  }

  @Test
  void theTreeHoldsEveryCommandTheReadmeNames() {
    assertThat(commands().toList()).contains("verify", "checkpoint", "report", "fingerprint", "export", "drill",
        "evidence", "evidence verify", "vault", "vault create", "vault put", "vault list", "shares", "shares check",
        "approve", "keys", "keys generate", "keys public");
  }

  @ParameterizedTest
  @MethodSource("commands")
  void helpHasItsDescriptionExamplesAndExitCodes(String command) {
    CliRunner cli = new CliRunner();
    assertThat(cli.run(args(command, "--help"))).isEqualTo(BreakGlassCli.OK);
    assertThat(cli.err).isEmpty();
    assertThat(cli.out).contains("Usage: breakglass " + command).contains("Exit status:", " 0 ",
        " 2   bad usage or unusable input");
    if (command.equals("drill")) {
      assertThat(cli.out).contains(" 3   waiting");
    }
    if (BUILT_IN.contains(command)) {
      return;
    }
    assertThat(cli.out).startsWith("Usage: breakglass " + command);
    List<String> examples = cli.out.lines().dropWhile(l -> !l.equals("Examples:")).skip(1)
        .takeWhile(l -> !l.isEmpty()).toList();
    // picocli wraps a footer line longer than 80 columns; a wrapped example cannot be pasted
    assertThat(examples).as("examples of %s", command).isNotEmpty()
        .allSatisfy(l -> assertThat(l).as("an example line that can be pasted").hasSizeLessThanOrEqualTo(80)
            .startsWith("  "));
    assertThat(examples).anySatisfy(l -> assertThat(l).contains("breakglass " + command));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void anUnknownOptionIsNamedWithTheAcceptedOnes(String command) {
    if (BUILT_IN.contains(command)) {
      return;
    }
    CliRunner cli = new CliRunner();
    assertThat(cli.run(args(command, "--no-such-option"))).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("unknown option --no-such-option for " + command + " (accepted: ")
        .contains("--help").contains("run 'breakglass " + command + " --help' for usage and examples");
    assertThat(cli.out).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("commands")
  void withoutItsInputACommandExitsTwoSayingWhatIsMissing(String command) {
    if (BUILT_IN.contains(command)) {
      return;
    }
    CliRunner cli = new CliRunner();
    assertThat(cli.run(command.split(" "))).as(cli.out + cli.err).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err.lines().findFirst().orElse("")).as(cli.err)
        .matches("(breakglass )?" + command + "(: .+| needs .+)|Usage: breakglass " + command + ".*");
    assertThat(cli.err).contains("breakglass " + command);
    assertThat(cli.out).isEmpty();
  }

  private static String[] args(String command, String option) {
    List<String> a = new ArrayList<>(List.of(command.split(" ")));
    a.add(option);
    return a.toArray(String[]::new);
  }
}

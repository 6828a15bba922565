package dev.breakglass.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incident demo with breakglass and its libraries on the module path (the application itself on
 * the class path), in a child JVM: proves the module descriptors declare every service they use and
 * provide, and open what reflection needs.
 */
class ModulePathDemoTest {
  private static final Pattern MODULAR = Pattern.compile(
      "breakglass-(api|spi|core)|slf4j-api|jackson|snakeyaml|caffeine|error_prone|bcprov|jspecify");

  @Test
  void demoRunsWithBreakglassOnTheModulePath(@TempDir Path dir) throws Exception {
    List<String> modulePath = new ArrayList<>();
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (MODULAR.matcher(entry).find()) {
        modulePath.add(entry);
      } else if (entry.contains("slf4j-simple") || entry.replace('\\', '/').contains("breakglass-examples/target/classes")) {
        classPath.add(entry);
      }
    }
    assertThat(modulePath).anyMatch(e -> e.contains("breakglass-core"));
    Path log = dir.resolve("child.log");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--module-path", String.join(File.pathSeparator, modulePath),
        "--add-modules", "dev.breakglass.core",
        "-cp", String.join(File.pathSeparator, classPath),
        IncidentDemo.class.getName(), dir.resolve("data").toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = child.waitFor(180, TimeUnit.SECONDS);
    if (!finished) {
      child.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(finished).as("demo finished; output:%n%s", out).isTrue();
    assertThat(child.exitValue()).as("exit code; output:%n%s", out).isZero();
    assertThat(out).contains("POST-INCIDENT REVIEW", "grants not ended: none").doesNotContain("Exception in thread", "ServiceConfigurationError", "InaccessibleObjectException");
  }
}

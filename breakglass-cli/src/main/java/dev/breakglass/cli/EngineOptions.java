package dev.breakglass.cli;

import dev.breakglass.BreakGlass;
import dev.breakglass.core.BreakGlassEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The engine a command opens from files ({@code drill}, {@code keys list|register|remove}): its
 * data directory, policy and configuration properties. One process per data directory: run such a
 * command while the application that owns it is stopped.
 */
final class EngineOptions {
  @Option(names = "--data", paramLabel = "DIR", required = true,
      description = "The engine's data directory (it holds audit/, keys/ and state/).")
  Path data;

  @Option(names = "--policy", paramLabel = "FILE", required = true,
      description = "The engine's policy file (YAML or JSON).")
  Path policy;

  @Option(names = "--config", paramLabel = "FILE",
      description = "The engine's configuration properties (vault, rotators, alert channels), as a .properties "
          + "file. Default: the file vault <data>/vault.json.")
  @Nullable Path config;

  /**
   * Opens the engine without background work; the caller closes it.
   *
   * @throws UsageException naming the missing directory or file and the fix
   */
  BreakGlass open() {
    if (!Files.isDirectory(data)) {
      throw new UsageException("data directory " + data + (Files.exists(data) ? " is a file" : " does not exist")
          + "; give the engine's data directory, which holds audit/, keys/ and state/");
    }
    Files2.requireFile(policy, "policy");
    BreakGlassEngine.Builder builder = BreakGlassEngine.builder().policyFile(policy).dataDirectory(data)
        .background(false);
    if (config != null) {
      Properties p = DrillCommands.properties(config);
      p.stringPropertyNames().forEach(k -> builder.property(k, p.getProperty(k)));
    }
    return builder.build();
  }
}

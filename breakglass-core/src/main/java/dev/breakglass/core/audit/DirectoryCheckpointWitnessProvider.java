package dev.breakglass.core.audit;

import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.CheckpointWitnessProvider;
import dev.breakglass.spi.ProviderContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Creates the {@code directory} witness from {@code witness.directory.path}: an existing directory
 * outside the data directory (a path inside it, or a relative one, is refused).
 */
public final class DirectoryCheckpointWitnessProvider implements CheckpointWitnessProvider {
  @Override
  public String name() {
    return DirectoryCheckpointWitness.NAME;
  }

  @Override
  public CheckpointWitness create(ProviderContext context) {
    String raw = context.require("path");
    Path path = Path.of(raw);
    if (!path.isAbsolute()) {
      throw context.problem("path", "must be an absolute path outside the data directory, was '" + raw + "'");
    }
    if (!Files.isDirectory(path)) {
      throw context.problem("path", "directory " + path + " does not exist: create it (owner-only) on the volume or"
          + " host that keeps the witness");
    }
    Path real = real(path);
    Path data = real(context.dataDirectory());
    if (real.startsWith(data)) {
      throw context.problem("path", "must be outside the data directory " + data + ":"
          + " whoever can write the data directory must not be able to rewrite the witness; use another volume,"
          + " another user's directory or another host");
    }
    return new DirectoryCheckpointWitness(real);
  }

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }
}

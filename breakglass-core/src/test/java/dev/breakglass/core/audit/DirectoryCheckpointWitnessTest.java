package dev.breakglass.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.ProviderContext;
import dev.breakglass.tck.CheckpointWitnessContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in {@code directory} witness: the TCK contract, and where it may live. */
class DirectoryCheckpointWitnessTest extends CheckpointWitnessContract {
  @TempDir Path tmp;

  Path witnessDirectory() {
    try {
      return Files.createDirectories(tmp.resolve("witness"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected CheckpointWitness createWitness() {
    return new DirectoryCheckpointWitness(witnessDirectory());
  }

  @Override
  protected CheckpointWitness reopenWitness() {
    return new DirectoryCheckpointWitness(witnessDirectory());
  }

  ProviderContext context(Path data, String path) {
    return new ProviderContext("directory", path == null ? Map.of() : Map.of("path", path), Clock.systemUTC(), data)
        .withKeyPrefix("witness.directory.");
  }

  @Nested
  class Provider {
    @Test
    void aPathOutsideTheDataDirectoryMakesAWitnessThere() throws IOException {
      Path data = Files.createDirectories(tmp.resolve("data"));
      CheckpointWitness w = new DirectoryCheckpointWitnessProvider().create(context(data, witnessDirectory().toString()));
      assertThat(w).isInstanceOf(DirectoryCheckpointWitness.class);
      assertThat(((DirectoryCheckpointWitness) w).directory()).isEqualTo(witnessDirectory().toRealPath());
    }

    @Test
    void aPathInsideTheDataDirectoryIsRefused() throws IOException {
      Path data = Files.createDirectories(tmp.resolve("data"));
      Path inside = Files.createDirectories(data.resolve("witness"));
      assertThatThrownBy(() -> new DirectoryCheckpointWitnessProvider().create(context(data, inside.toString())))
          .isInstanceOf(ProviderException.class)
          .hasMessageContaining("property 'witness.directory.path'").hasMessageContaining("outside the data directory");
    }

    @Test
    void aRelativePathIsRefused() throws IOException {
      Path data = Files.createDirectories(tmp.resolve("data"));
      assertThatThrownBy(() -> new DirectoryCheckpointWitnessProvider().create(context(data, "witness")))
          .isInstanceOf(ProviderException.class).hasMessageContaining("absolute path");
    }

    @Test
    void aMissingDirectoryIsRefusedNotCreated() throws IOException {
      Path data = Files.createDirectories(tmp.resolve("data"));
      Path missing = tmp.resolve("unmounted");
      assertThatThrownBy(() -> new DirectoryCheckpointWitnessProvider().create(context(data, missing.toString())))
          .isInstanceOf(ProviderException.class).hasMessageContaining("does not exist");
      assertThat(missing).doesNotExist();
    }

    @Test
    void thePathIsRequired() throws IOException {
      Path data = Files.createDirectories(tmp.resolve("data"));
      assertThatThrownBy(() -> new DirectoryCheckpointWitnessProvider().create(context(data, null)))
          .isInstanceOf(ProviderException.class).hasMessageContaining("witness.directory.path");
    }
  }
}

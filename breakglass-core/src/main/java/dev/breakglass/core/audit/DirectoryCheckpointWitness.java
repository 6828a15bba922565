package dev.breakglass.core.audit;

import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.WitnessedCheckpoint;
import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps the newest checkpoint of one audit log in a directory outside the engine's data directory
 * (another volume, a directory owned by another user, an NFS or SMB share of another machine). The
 * built-in witness {@code directory} ({@code witness=directory},
 * {@code witness.directory.path=/mnt/audit-witness/myapp}).
 *
 * <p>The checkpoint is the file {@value #FILE} in that directory, in the text form of
 * {@link WitnessedCheckpoint}, replaced atomically (temporary file, fsync, rename, directory fsync)
 * by each newer one. A reviewer passes the directory (or the file) to
 * {@code breakglass verify --checkpoint}. The directory must exist: a missing mount must not
 * silently become an empty local directory.
 *
 * <pre>{@code
 * TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(auditDir).signingKey(key)
 *     .witness(new DirectoryCheckpointWitness(Path.of("/mnt/audit-witness/myapp")))
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe; one log per directory (a checkpoint of another log is refused).
 */
public final class DirectoryCheckpointWitness implements CheckpointWitness {
  /** The provider name, used in the {@code witness} property. */
  public static final String NAME = "directory";
  /** The file holding the newest checkpoint. */
  public static final String FILE = "checkpoint";

  private final Path directory;

  /**
   * A witness keeping its checkpoint in {@code directory}.
   *
   * @throws IllegalArgumentException if {@code directory} is not an existing directory
   */
  public DirectoryCheckpointWitness(Path directory) {
    this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
    if (!Files.isDirectory(this.directory)) {
      throw new IllegalArgumentException("checkpoint witness directory " + this.directory + " does not exist: create"
          + " it (owner-only) on the volume or host that keeps the witness");
    }
  }

  /** The directory. */
  public Path directory() {
    return directory;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the directory holds a checkpoint of another log
   * @throws UncheckedIOException if the file cannot be written durably
   */
  @Override
  public synchronized void witness(WitnessedCheckpoint checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    Optional<WitnessedCheckpoint> held = newest();
    if (held.isPresent() && !held.get().logId().equals(checkpoint.logId())) {
      throw new IllegalStateException("checkpoint witness directory " + directory + " holds a checkpoint of log "
          + held.get().logId() + ", not of log " + checkpoint.logId() + ": one directory witnesses one log");
    }
    if (held.isPresent() && held.get().treeSize() >= checkpoint.treeSize()) {
      return;
    }
    try {
      DurableFiles.write(directory.resolve(FILE), checkpoint.text().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint witness file " + directory.resolve(FILE), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException naming the file if it holds no valid checkpoint
   * @throws UncheckedIOException if it cannot be read
   */
  @Override
  public synchronized Optional<WitnessedCheckpoint> newest() {
    Path file = directory.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint witness file " + file, e);
    }
    try {
      return Optional.of(WitnessedCheckpoint.parse(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("checkpoint witness file " + file + " holds no valid checkpoint: "
          + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "DirectoryCheckpointWitness[" + directory + "]";
  }
}

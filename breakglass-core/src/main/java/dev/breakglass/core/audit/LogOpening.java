package dev.breakglass.core.audit;

import dev.breakglass.AuditUnavailableException;
import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.WitnessedCheckpoint;
import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Opens a {@link TamperEvidentAuditLog}: takes the directory lock, finds the signing key (never
 * creating one for a log that exists), reads the witnesses' newest checkpoints, recovers and checks
 * the log ({@link SegmentFiles#recover} with {@link TrustOnOpen}), and starts the writer. A new log
 * gets its first checkpoint, of zero records, before the log is handed out; an open log passes its
 * latest checkpoint to the witnesses so they are up to date.
 */
final class LogOpening {
  /** The signing key's file when the builder names none. */
  static final String DEFAULT_KEY_FILE = "signing.key";

  private LogOpening() {}

  static TamperEvidentAuditLog open(TamperEvidentAuditLog.Builder b) {
    FileChannel lockChannel = null;
    SegmentFiles.Recovery r = null;
    try {
      DurableFiles.createPrivateDirectories(b.dir);
      lockChannel = DurableFiles.openPrivate(b.dir.resolve(TamperEvidentAuditLog.LOCK_FILE), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock fileLock;
      try {
        fileLock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        fileLock = null;
      }
      if (fileLock == null) {
        throw new AuditUnavailableException("audit log " + b.dir + " is open in another process or instance");
      }
      if (b.key == null) {
        b.key = defaultKey(b.dir);
      }
      List<TrustOnOpen.Anchor> anchors = anchors(b.witnesses);
      SegmentFiles.deleteLeftovers(b.dir);
      r = SegmentFiles.recover(b.dir, b.channels, new TrustOnOpen(b.key.publicKey(), anchors, b.checkpointInterval));
      String logId = r.logId != null ? r.logId : CheckpointChain.newLogId();
      WitnessPublisher publisher = new WitnessPublisher(b.dir.toString(), b.witnesses);
      TamperEvidentAuditLog log = new TamperEvidentAuditLog(b, r, logId, publisher, lockChannel, fileLock);
      return started(log, r);
    } catch (IOException | UncheckedIOException e) {
      closeQuietly(r, lockChannel);
      throw new AuditUnavailableException("cannot open audit log " + b.dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(r, lockChannel);
      throw e;
    }
  }

  /**
   * The key in {@code <dir>/signing.key}: loaded if it exists, created only together with the log.
   *
   * @throws AuditLogRefusedException if the log exists and its key does not
   */
  private static AuditSigningKey defaultKey(Path dir) {
    Path file = dir.resolve(DEFAULT_KEY_FILE);
    if (!Files.exists(file) && !LogScanner.segmentsOf(dir).isEmpty()) {
      LogEnd end = LogEnd.of(dir);
      throw new AuditLogRefusedException(end.records(), end.segment(), end.offset(), "the signing key " + file
          + " is missing but the log exists: restore the key from its backup (a new key would sign a history it"
          + " did not write)");
    }
    return AuditSigningKey.loadOrCreate(file);
  }

  /** The newest checkpoint of every witness; a witness that cannot say refuses the open. */
  private static List<TrustOnOpen.Anchor> anchors(List<CheckpointWitness> witnesses) {
    List<TrustOnOpen.Anchor> out = new ArrayList<>();
    for (CheckpointWitness w : witnesses) {
      Optional<WitnessedCheckpoint> held;
      try {
        held = w.newest();
      } catch (RuntimeException e) {
        throw new AuditLogRefusedException(0, LogFormat.segmentName(0), 0, "checkpoint witness '" + w.name()
            + "' cannot be read, so the log cannot be shown to extend it: " + e.getMessage());
      }
      if (held.isPresent()) {
        Checkpoint c;
        try {
          c = Checkpoint.parse(held.get().text());
        } catch (IllegalArgumentException e) {
          throw new AuditLogRefusedException(held.get().treeSize(), LogFormat.segmentName(0), 0,
              "checkpoint witness '" + w.name() + "' holds no valid checkpoint: " + e.getMessage());
        }
        out.add(new TrustOnOpen.Anchor(w.name(), c));
      }
    }
    return out;
  }

  /** First checkpoint of a new (or never signed) log, witnesses brought up to date, repair recorded. */
  private static TamperEvidentAuditLog started(TamperEvidentAuditLog log, SegmentFiles.Recovery r) {
    try {
      if (r.lastCheckpoint == null) {
        log.checkpoint();
      } else {
        log.witnessLatest();
      }
      if (r.repair != null) {
        log.repaired(r.repair);
      }
      return log;
    } catch (RuntimeException e) {
      try {
        log.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static void closeQuietly(SegmentFiles.@Nullable Recovery r, @Nullable FileChannel lockChannel) {
    if (r != null) {
      r.closeQuietly();
    }
    try {
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException ignored) {
      // Already failing; the original error is what the caller needs.
    }
  }
}

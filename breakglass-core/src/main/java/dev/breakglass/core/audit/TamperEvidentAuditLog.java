package dev.breakglass.core.audit;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditSink;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.spi.ReadableAuditSink;
import dev.breakglass.spi.CheckpointWitness;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default {@link AuditSink}: an append-only, crash-safe, tamper-evident log on local
 * disk.
 *
 * <h2>What it promises</h2>
 *
 * <ul>
 *   <li><b>Durable before return.</b> {@link #append} returns only after the record is written and
 *       {@link FileChannel#force forced} to disk. Concurrent appenders share one fsync (group
 *       commit): one writer thread writes and forces batch after batch, and every record that
 *       arrives while a batch is being forced joins the next one. Nothing waits on a timer: a lone
 *       appender pays one fsync, and batches grow with the number of concurrent appenders.
 *   <li><b>Fail closed.</b> A write or fsync error reaches every appender whose record was not yet
 *       durable as an {@link AuditUnavailableException}; the log then refuses all further appends
 *       (after a failed fsync the state of the file is unknown), until it is reopened.
 *   <li><b>Tamper-evident.</b> Records are the leaves of an RFC 6962 Merkle tree (SHA-256). A new
 *       log starts with a signed checkpoint of zero records that fixes its random {@link #logId()
 *       log id}; then every {@link Builder#checkpointEveryRecords N records}, every
 *       {@link Builder#checkpointInterval interval}, on segment rotation and on close, the log
 *       writes a {@link Checkpoint} (log id, tree size, size of the checkpoint before, root, time,
 *       key id) signed with Ed25519. {@link AuditLogVerifier} checks a whole log offline with only
 *       the {@link AuditPublicKey}; {@link AuditLogProofs} proves inclusion and consistency against
 *       checkpoints kept elsewhere.
 *   <li><b>Checked on open, anchored outside.</b> Opening refuses, with an
 *       {@link AuditLogRefusedException} naming the record and byte offset and without changing a
 *       byte, a log whose checkpoints do not all verify with the signing key, do not all name one
 *       log, do not grow, are not linked (one is missing), or whose records after the last
 *       checkpoint span more than the checkpoint interval allows; and a log that does not extend
 *       the newest checkpoint held by any of its {@link Builder#witness witnesses} (kept outside the
 *       log directory: a rollback, a cut or another log in its place). Every checkpoint goes to the
 *       witnesses once it is durable.
 *   <li><b>Crash-safe.</b> On open, a torn tail (a partial last frame, or a checksum mismatch in the
 *       last frame, after which nothing valid follows) is truncated and recorded as an
 *       {@link AuditEventType#AUDIT_LOG_REPAIRED} event, once every check above has passed. Any
 *       other damage makes {@link #open} fail with an {@link AuditLogCorruptException} naming the
 *       record index and byte offset.
 *   <li><b>Ordered.</b> Sequence numbers are the records' leaf indexes: 0, 1, 2, ... without gaps.
 *       Record times never go backwards: an event whose time is earlier than its predecessor's
 *       (concurrent appenders race) is recorded with its predecessor's time.
 * </ul>
 *
 * <p>The tree and its frontier (O(log n) hashes) continue across segments; memory does not grow
 * with the log. Opening reads every segment once to rebuild the frontier and check every frame.
 * The on-disk format is described by {@code LogFormat} in the source and is stable within a major
 * version.
 *
 * <h2>Logs written before log ids</h2>
 *
 * A log whose checkpoints are all version 1 (no log id) opens as before once every one of them
 * verifies with the signing key; its next checkpoint, the first of version 2, gives it a new log
 * id and names the last version 1 checkpoint as its previous one. From then on only version 2
 * checkpoints of that id are accepted.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * AuditSigningKey key = AuditSigningKey.load(Path.of("/etc/breakglass/audit-signing.key"));
 * try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(Path.of("/var/lib/breakglass/audit"))
 *     .signingKey(key)
 *     .witness(new DirectoryCheckpointWitness(Path.of("/mnt/witness/breakglass")))
 *     .build()) {
 *   log.append(event);
 * }
 * }</pre>
 *
 * <p>The engine opens its log with {@link EmbeddedAuditLog}, which also keeps the rules for the
 * signing key and {@code audit.pub} in the data directory.
 *
 * <p>One process may have a log directory open at a time (enforced with a file lock). Thread-safe.
 */
public final class TamperEvidentAuditLog implements ReadableAuditSink {
  private static final Logger LOG = LoggerFactory.getLogger(TamperEvidentAuditLog.class);
  static final String LOCK_FILE = ".lock";

  private final Path dir;
  private final AuditSigningKey key;
  private final Clock clock;
  private final GroupCommit writer;
  private final String logId;
  private final WitnessPublisher witnesses;
  private final List<CheckpointWitness> ownWitnesses;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final @Nullable BackgroundCheckpoints scheduler;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile @Nullable Map<String, String> repairedOnOpen;

  TamperEvidentAuditLog(Builder b, SegmentFiles.Recovery r, String logId, WitnessPublisher witnesses,
      FileChannel lockChannel, FileLock fileLock) {
    this.dir = b.dir;
    this.key = Objects.requireNonNull(b.key, "key");
    this.clock = b.clock;
    this.logId = logId;
    this.witnesses = witnesses;
    this.ownWitnesses = List.copyOf(b.witnesses);
    this.lockChannel = lockChannel;
    this.fileLock = fileLock;
    this.writer = new GroupCommit(dir, key, clock, b.checkpointEvery, b.checkpointInterval, b.maxSegmentBytes,
        b.fsync, b.channels, r, logId, witnesses::publish);
    this.scheduler = b.backgroundCheckpoints ? BackgroundCheckpoints.start(this, b.checkpointInterval) : null;
  }

  /** A builder for a log kept in {@code directory} (created if missing). */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /**
   * Opens (or creates) the log in {@code directory}, signing with the key kept in
   * {@code directory/signing.key} (created with the log, never for a log that exists) and default
   * settings. Prefer keeping the signing key outside the log directory with
   * {@link Builder#signingKey}.
   *
   * @throws AuditLogRefusedException if the log exists but its key file does not, or a check on
   *     open fails
   */
  public static TamperEvidentAuditLog open(Path directory) {
    return builder(directory).build();
  }

  /** Appends and returns the record's sequence number (its leaf index), once it is durable. */
  public long appendAndGetIndex(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    // Encoding is the costly part; do it before ordering, with the sequence number spliced in later.
    return writer.append(event, AuditEventCodec.encode(0, event));
  }

  /**
   * {@inheritDoc}
   *
   * @throws AuditUnavailableException if the record cannot be made durable, the log has failed
   *     before, or it is closed
   */
  @Override
  public void append(AuditEvent event) {
    appendAndGetIndex(event);
  }

  /**
   * Writes a checkpoint for every record appended so far (unless the latest checkpoint already
   * covers them) and returns it once it is durable.
   *
   * @return the latest checkpoint; {@code null} only if the log is empty and has none
   */
  public @Nullable Checkpoint checkpoint() {
    return writer.checkpoint();
  }

  /** Writes a checkpoint if records are waiting for one and the checkpoint interval has passed. */
  public void checkpointIfDue() {
    writer.checkpointIfDue();
  }

  /** The latest durable checkpoint, or {@code null} if none has been written yet. */
  public @Nullable Checkpoint latestCheckpoint() {
    return writer.latestCheckpoint();
  }

  /** The number of records appended (sequenced) so far, durable or about to be. */
  public long size() {
    return writer.size();
  }

  /** {@inheritDoc} Every append returns only once durable, so this is {@link #size()} between appends. */
  @Override
  public long durableSize() {
    return writer.size();
  }

  /**
   * {@inheritDoc} Reads the segment files from the one holding {@code from}, checking each frame,
   * checksum, sequence number and record form; the records before that segment were verified when the
   * log was opened.
   */
  @Override
  public void read(long from, Consumer<AuditEvent> each) {
    if (from < 0) {
      throw new IllegalArgumentException("from must not be negative, was " + from);
    }
    // Verified whole when opened: start at the segment holding `from` instead of hashing every record again.
    AuditLogReader.forEachEventOfVerifiedLog(dir, from, durableSize(), each);
  }

  /**
   * The log's id: 32 hex digits, random, fixed when the log (or, for a log written before log ids,
   * its first version 2 checkpoint) was created, and named by every checkpoint.
   */
  public String logId() {
    return logId;
  }

  /**
   * Adds a witness after the log is open (one that needs the log's owner to exist first, such as
   * the alert channels), and hands it the latest checkpoint at once. Unlike {@link Builder#witness}
   * it is not read at open, and it is not closed by the log.
   */
  public void addWitness(CheckpointWitness witness) {
    witnesses.add(Objects.requireNonNull(witness, "witness"), writer.latestCheckpoint());
  }

  /** The public key that verifies this log's checkpoints. */
  public AuditPublicKey publicKey() {
    return key.publicKey();
  }

  /** The log directory. */
  public Path directory() {
    return dir;
  }

  /**
   * What opening this log repaired (a torn tail truncated, recorded as {@code AUDIT_LOG_REPAIRED}),
   * so the owner can raise an alert; empty if the log opened clean.
   */
  public Optional<Map<String, String>> repairedOnOpen() {
    return Optional.ofNullable(repairedOnOpen);
  }

  /**
   * Writes a final checkpoint, makes everything durable and releases the directory. Idempotent.
   * Appends racing with close either complete durably or fail with
   * {@link AuditUnavailableException}.
   *
   * @throws AuditUnavailableException if the final checkpoint cannot be made durable
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      awaitClosed();
      return;
    }
    AuditUnavailableException error = null;
    try {
      if (scheduler != null) {
        scheduler.stop();
      }
      try {
        writer.close();
      } catch (AuditUnavailableException e) {
        error = e;
      }
      witnesses.close();
      for (CheckpointWitness w : ownWitnesses) {
        try {
          w.close();
        } catch (RuntimeException e) {
          LOG.warn("Closing checkpoint witness '{}' of audit log {} failed: {}", w.name(), dir, e.toString());
        }
      }
      try {
        fileLock.release();
        lockChannel.close();
      } catch (IOException e) {
        if (error == null) {
          error = new AuditUnavailableException("cannot close audit log " + dir + ": " + e.getMessage(), e);
        }
      }
    } finally {
      closed.countDown();
    }
    if (error != null) {
      throw error;
    }
  }

  private void awaitClosed() {
    GroupCommit.uninterruptibly(closed::await);
  }

  @Override
  public String toString() {
    return "TamperEvidentAuditLog[" + dir + ", log " + logId + ", key " + key.keyId() + "]";
  }

  /** Hands the latest checkpoint to every witness (after open, so they are up to date). */
  void witnessLatest() {
    Checkpoint latest = writer.latestCheckpoint();
    if (latest != null) {
      witnesses.publish(latest);
    }
  }

  void repaired(Map<String, String> details) {
    LOG.warn("Audit log {} had a torn tail; truncated: {}", dir, details);
    repairedOnOpen = Map.copyOf(details);
    append(new AuditEvent(clock.instant(), AuditEventType.AUDIT_LOG_REPAIRED, AuditEvent.SYSTEM, null, null, details));
  }

  // ---------------------------------------------------------------- configuration

  /**
   * Configures a {@link TamperEvidentAuditLog}. Validates each value as it is set; {@link #build()}
   * opens the log. Not thread-safe; the built log keeps its own copy of the settings.
   */
  public static final class Builder {
    final Path dir;
    @Nullable AuditSigningKey key;
    Clock clock = Clock.systemUTC();
    int checkpointEvery = 1024;
    Duration checkpointInterval = Duration.ofSeconds(5);
    long maxSegmentBytes = 64L << 20;
    boolean fsync = true;
    boolean backgroundCheckpoints = true;
    FileChannelFactory channels = FileChannelFactory.DEFAULT;
    final List<CheckpointWitness> witnesses = new ArrayList<>();

    private Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "directory").toAbsolutePath();
    }

    /**
     * Adds a witness: at open, the log must extend the newest checkpoint it holds (or the open is
     * refused); afterwards it gets every checkpoint once durable. Keep its storage outside the log
     * directory. The log closes it when it closes. Call again for more witnesses.
     */
    public Builder witness(CheckpointWitness witness) {
      witnesses.add(Objects.requireNonNull(witness, "witness"));
      return this;
    }

    /**
     * The checkpoint signing key. Default: the key in {@code <directory>/signing.key}, created with
     * the log (a log whose key file is missing is refused, never given a new key). Keeping it elsewhere (another volume, a secret store) means an attacker who can
     * rewrite the log directory still cannot forge checkpoints.
     */
    public Builder signingKey(AuditSigningKey key) {
      this.key = Objects.requireNonNull(key, "key");
      return this;
    }

    /** The clock for checkpoint times and intervals. Default: {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Write a checkpoint after at most this many records. Default 1024. */
    public Builder checkpointEveryRecords(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("checkpointEveryRecords must be at least 1, was " + n);
      }
      this.checkpointEvery = n;
      return this;
    }

    /**
     * Write a checkpoint when records have waited this long for one (checked on each batch and by a
     * background thread). Default 5 seconds.
     */
    public Builder checkpointInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("checkpointInterval must be positive, was " + interval);
      }
      this.checkpointInterval = interval;
      return this;
    }

    /** Start a new segment once the current one reaches this size. Default 64 MiB; at least 4 KiB. */
    public Builder maxSegmentBytes(long bytes) {
      if (bytes < 4096) {
        throw new IllegalArgumentException("maxSegmentBytes must be at least 4096, was " + bytes);
      }
      this.maxSegmentBytes = bytes;
      return this;
    }

    /**
     * Whether {@link #append} forces records to disk before returning. Default {@code true}.
     * {@code false} breaks the {@link AuditSink} durability promise (a power loss may lose
     * acknowledged records); it exists for benchmarks and throw-away environments.
     */
    public Builder fsync(boolean fsync) {
      this.fsync = fsync;
      return this;
    }

    /** Whether a daemon thread writes time-based checkpoints while the log is idle. Default true. */
    public Builder backgroundCheckpoints(boolean enabled) {
      this.backgroundCheckpoints = enabled;
      return this;
    }

    Builder channelFactory(FileChannelFactory factory) {
      this.channels = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Opens the log: rebuilds the tree from every segment, checks every checkpoint and witness,
     * repairs a torn tail, and starts appending. A new log gets its first checkpoint (of zero
     * records) before this returns.
     *
     * @throws AuditLogRefusedException if a check on open fails (nothing was changed)
     * @throws AuditLogCorruptException if the log is damaged anywhere but its tail
     * @throws AuditUnavailableException if the directory cannot be used
     */
    public TamperEvidentAuditLog build() {
      Builder copy = new Builder(dir);
      copy.key = key;
      copy.clock = clock;
      copy.checkpointEvery = checkpointEvery;
      copy.checkpointInterval = checkpointInterval;
      copy.maxSegmentBytes = maxSegmentBytes;
      copy.fsync = fsync;
      copy.backgroundCheckpoints = backgroundCheckpoints;
      copy.channels = channels;
      copy.witnesses.addAll(witnesses);
      return LogOpening.open(copy);
    }
  }
}

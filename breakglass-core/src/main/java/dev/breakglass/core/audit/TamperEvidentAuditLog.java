package dev.breakglass.core.audit;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditSink;
import dev.breakglass.AuditUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
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
 *       commit): one of them writes and forces everything pending while the others wait. When the
 *       previous batch had several records, the writer first waits until as many have arrived
 *       again, or at most {@link Builder#groupCommitMaxWait}.
 *   <li><b>Fail closed.</b> A write or fsync error reaches every appender whose record was not yet
 *       durable as an {@link AuditUnavailableException}; the log then refuses all further appends
 *       (after a failed fsync the state of the file is unknown), until it is reopened.
 *   <li><b>Tamper-evident.</b> Records are the leaves of an RFC 6962 Merkle tree (SHA-256). Every
 *       {@link Builder#checkpointEveryRecords N records}, every {@link Builder#checkpointInterval
 *       interval}, on segment rotation and on close, the log writes a {@link Checkpoint} (tree size,
 *       root, time, key id) signed with Ed25519. {@link AuditLogVerifier} checks a whole log
 *       offline with only the {@link AuditPublicKey}; {@link AuditLogProofs} proves inclusion and
 *       consistency against checkpoints kept elsewhere.
 *   <li><b>Crash-safe.</b> On open, a torn tail (a partial last frame, or a checksum mismatch in the
 *       last frame, after which nothing valid follows) is truncated and recorded as an
 *       {@link AuditEventType#AUDIT_LOG_REPAIRED} event. Any other damage makes {@link #open} fail
 *       with an {@link AuditLogCorruptException} naming the record index and byte offset.
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
 * <h2>Use</h2>
 *
 * <pre>{@code
 * AuditSigningKey key = AuditSigningKey.loadOrCreate(Path.of("/etc/breakglass/audit-signing.key"));
 * try (TamperEvidentAuditLog log = TamperEvidentAuditLog.builder(Path.of("/var/lib/breakglass/audit"))
 *     .signingKey(key)
 *     .build()) {
 *   log.append(event);
 * }
 * key.publicKey().write(Path.of("audit.pub")); // for reviewers
 * }</pre>
 *
 * <p>One process may have a log directory open at a time (enforced with a file lock). Thread-safe.
 */
public final class TamperEvidentAuditLog implements AuditSink {
  private static final Logger LOG = LoggerFactory.getLogger(TamperEvidentAuditLog.class);
  static final String LOCK_FILE = ".lock";

  private final Path dir;
  private final AuditSigningKey key;
  private final Clock clock;
  private final int checkpointEvery;
  private final Duration checkpointInterval;
  private final long maxSegmentBytes;
  private final long maxWaitNanos;
  private final boolean fsync;
  private final FileChannelFactory channels;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition batchDone = lock.newCondition();
  private final Condition joined = lock.newCondition();
  private boolean lingering;
  private final MerkleFrontier tree;
  private final CRC32C crc = new CRC32C();
  private long nextIndex;
  private Instant lastTime;
  private long lastCheckpointSize;
  private Instant lastCheckpointTime;
  private @Nullable Checkpoint latestCheckpoint;
  private @Nullable Checkpoint pendingCheckpoint;
  private LogFormat.FrameBuffer pending = new LogFormat.FrameBuffer(64 * 1024);
  private LogFormat.FrameBuffer spare = new LogFormat.FrameBuffer(64 * 1024);
  private int pendingRecords;
  private long openBatch = 1;
  private long durableBatch;
  private boolean writing;
  private int lastBatchRecords;
  private @Nullable AuditUnavailableException failure;
  private volatile @Nullable Map<String, String> repairedOnOpen;
  private boolean closing;
  private boolean closed;

  private FileChannel channel;
  private long segmentBytes;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final @Nullable ScheduledExecutorService scheduler;

  private TamperEvidentAuditLog(Builder b, Recovery r, FileChannel lockChannel, FileLock fileLock) {
    this.dir = b.dir;
    this.key = b.key;
    this.clock = b.clock;
    this.checkpointEvery = b.checkpointEvery;
    this.checkpointInterval = b.checkpointInterval;
    this.maxSegmentBytes = b.maxSegmentBytes;
    this.maxWaitNanos = b.maxWait.toNanos();
    this.fsync = b.fsync;
    this.channels = b.channels;
    this.tree = r.tree;
    this.nextIndex = r.tree.size();
    this.lastTime = r.lastTime;
    this.lastCheckpointSize = r.lastCheckpoint == null ? 0 : r.lastCheckpoint.treeSize();
    this.lastCheckpointTime = r.lastCheckpoint == null ? clock.instant() : r.lastCheckpoint.time();
    this.latestCheckpoint = r.lastCheckpoint;
    this.channel = r.channel;
    this.segmentBytes = r.segmentBytes;
    this.lockChannel = lockChannel;
    this.fileLock = fileLock;
    if (b.backgroundCheckpoints) {
      this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread t = new Thread(runnable, "breakglass-audit-checkpoints");
        t.setDaemon(true);
        return t;
      });
      long period = Math.max(1, checkpointInterval.toMillis());
      scheduler.scheduleWithFixedDelay(this::backgroundCheckpoint, period, period, TimeUnit.MILLISECONDS);
    } else {
      this.scheduler = null;
    }
  }

  /** A builder for a log kept in {@code directory} (created if missing). */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /**
   * Opens (or creates) the log in {@code directory}, signing with the key kept in
   * {@code directory/signing.key} (created on first use) and default settings. Prefer keeping the
   * signing key outside the log directory with {@link Builder#signingKey}.
   */
  public static TamperEvidentAuditLog open(Path directory) {
    return builder(directory).build();
  }

  /** Appends and returns the record's sequence number (its leaf index), once it is durable. */
  public long appendAndGetIndex(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    // Encoding is the costly part; do it before taking the lock, with the sequence number spliced in later.
    byte[] encoded = AuditEventCodec.encode(0, event);
    lock.lock();
    try {
      ensureWritable();
      long index = sequence(event, encoded);
      awaitDurable(openBatch);
      return index;
    } finally {
      lock.unlock();
    }
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
    lock.lock();
    try {
      ensureWritable();
      if (nextIndex > lastCheckpointSize || latestCheckpoint == null && pendingCheckpoint == null) {
        addCheckpoint();
      }
      awaitDurable(openBatch);
      return latestCheckpoint;
    } finally {
      lock.unlock();
    }
  }

  /** Writes a checkpoint if records are waiting for one and the checkpoint interval has passed. */
  public void checkpointIfDue() {
    lock.lock();
    try {
      ensureWritable();
      if (nextIndex > lastCheckpointSize && intervalElapsed()) {
        addCheckpoint();
        awaitDurable(openBatch);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The latest durable checkpoint, or {@code null} if none has been written yet. */
  public @Nullable Checkpoint latestCheckpoint() {
    lock.lock();
    try {
      return latestCheckpoint;
    } finally {
      lock.unlock();
    }
  }

  /** The number of records appended (sequenced) so far, durable or about to be. */
  public long size() {
    lock.lock();
    try {
      return nextIndex;
    } finally {
      lock.unlock();
    }
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
   * Writes a final checkpoint, makes everything durable and releases the directory. Idempotent.
   * Appends racing with close either complete durably or fail with
   * {@link AuditUnavailableException}.
   *
   * @throws AuditUnavailableException if the final checkpoint cannot be made durable
   */
  @Override
  public void close() {
    AuditUnavailableException error = null;
    lock.lock();
    try {
      if (closing) {
        while (!closed) {
          batchDone.awaitUninterruptibly();
        }
        return;
      }
      closing = true;
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
      if (failure == null) {
        try {
          if (nextIndex > lastCheckpointSize) {
            addCheckpoint();
          }
          awaitDurable(openBatch);
        } catch (AuditUnavailableException e) {
          error = e;
        }
      }
      closed = true;
      batchDone.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      channel.close();
      fileLock.release();
      lockChannel.close();
    } catch (IOException e) {
      if (error == null) {
        error = new AuditUnavailableException("cannot close audit log " + dir + ": " + e.getMessage(), e);
      }
    }
    if (error != null) {
      throw error;
    }
  }

  @Override
  public String toString() {
    return "TamperEvidentAuditLog[" + dir + ", key " + key.keyId() + "]";
  }

  // ---------------------------------------------------------------- sequencing (lock held)

  private void ensureWritable() {
    if (closing) {
      throw new AuditUnavailableException("audit log " + dir + " is closed");
    }
    if (failure != null) {
      throw new AuditUnavailableException("audit log " + dir + " failed earlier and accepts no more records: "
          + failure.getMessage(), failure);
    }
  }

  private long sequence(AuditEvent event, byte[] encodedWithSeqZero) {
    AuditEvent e = event;
    long index = nextIndex;
    byte[] json;
    if (e.time().isBefore(lastTime)) {
      e = new AuditEvent(lastTime, e.type(), e.actor(), e.grantId(), e.account(), e.details());
      json = AuditEventCodec.encode(index, e);
    } else {
      json = withSeq(encodedWithSeqZero, index);
    }
    if (json.length > LogFormat.MAX_PAYLOAD) {
      throw new AuditUnavailableException("audit event of " + json.length + " bytes exceeds the limit of "
          + LogFormat.MAX_PAYLOAD + " bytes");
    }
    LogFormat.writeFrame(pending, LogFormat.RECORD, json, crc);
    tree.appendLeaf(json, 0, json.length);
    nextIndex = index + 1;
    lastTime = e.time();
    pendingRecords++;
    if (nextIndex - lastCheckpointSize >= checkpointEvery) {
      addCheckpoint();
    }
    if (lingering && pendingRecords >= lastBatchRecords) {
      joined.signal();
    }
    return index;
  }

  private static final byte[] SEQ_ZERO = "{\"seq\":0,".getBytes(StandardCharsets.US_ASCII);

  /** Replaces the {@code 0} of the canonical prefix {@code {"seq":0,} with {@code seq}. */
  static byte[] withSeq(byte[] encodedWithSeqZero, long seq) {
    if (seq == 0) {
      return encodedWithSeqZero;
    }
    byte[] digits = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
    int prefix = SEQ_ZERO.length - 2;
    byte[] out = new byte[encodedWithSeqZero.length - 1 + digits.length];
    System.arraycopy(encodedWithSeqZero, 0, out, 0, prefix);
    System.arraycopy(digits, 0, out, prefix, digits.length);
    System.arraycopy(encodedWithSeqZero, prefix + 1, out, prefix + digits.length,
        encodedWithSeqZero.length - prefix - 1);
    return out;
  }

  private void addCheckpoint() {
    Instant now = clock.instant();
    Instant time = now.isBefore(lastCheckpointTime) ? lastCheckpointTime : now;
    Checkpoint cp = Checkpoint.sign(nextIndex, tree.root(), time, key);
    LogFormat.writeFrame(pending, LogFormat.CHECKPOINT, cp.toText().getBytes(StandardCharsets.UTF_8), crc);
    lastCheckpointSize = nextIndex;
    lastCheckpointTime = time;
    pendingCheckpoint = cp;
  }

  private boolean intervalElapsed() {
    return Duration.between(lastCheckpointTime, clock.instant()).compareTo(checkpointInterval) >= 0;
  }

  // ---------------------------------------------------------------- group commit (lock held)

  private void awaitDurable(long batch) {
    while (durableBatch < batch) {
      if (failure != null) {
        throw new AuditUnavailableException("audit record not durable: " + failure.getMessage(), failure);
      }
      if (closed) {
        throw new AuditUnavailableException("audit log " + dir + " closed before the record was durable");
      }
      if (writing) {
        batchDone.awaitUninterruptibly();
      } else {
        writeBatch();
      }
    }
  }

  /** Writes everything pending as one batch; the caller becomes the batch's writer. */
  private void writeBatch() {
    writing = true;
    try {
      if (fsync && maxWaitNanos > 0 && lastBatchRecords > 1 && !closing) {
        // As many appenders shared the last fsync: wait (briefly) for them to join this one too.
        lingering = true;
        long remaining = maxWaitNanos;
        while (pendingRecords < lastBatchRecords && remaining > 0) {
          try {
            remaining = joined.awaitNanos(remaining);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
        lingering = false;
      }
      if (nextIndex > lastCheckpointSize && pendingCheckpoint == null
          && (intervalElapsed() || segmentBytes + pending.length() >= maxSegmentBytes)) {
        addCheckpoint();
      }
      LogFormat.FrameBuffer batch = pending;
      pending = spare;
      spare = null;
      long batchNo = openBatch++;
      int records = pendingRecords;
      pendingRecords = 0;
      long endIndex = nextIndex;
      Checkpoint cp = pendingCheckpoint;
      pendingCheckpoint = null;
      Exception error = null;
      lock.unlock();
      // An interrupt during FileChannel I/O closes the channel for everyone: keep a pending
      // interrupt of this appender away from the write and restore it afterwards.
      boolean interrupted = Thread.interrupted();
      try {
        writeAndForce(batch.asByteBuffer());
        if (segmentBytes >= maxSegmentBytes) {
          rotate(endIndex);
        }
      } catch (IOException | RuntimeException e) {
        error = e;
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        lock.lock();
      }
      batch.clear();
      spare = batch;
      if (error != null) {
        failure = new AuditUnavailableException("cannot write audit log " + dir + ": " + error, error);
        LOG.error("Audit log {} failed; it refuses further records until reopened", dir, error);
      } else {
        durableBatch = batchNo;
        lastBatchRecords = records;
        if (cp != null) {
          latestCheckpoint = cp;
        }
      }
    } finally {
      writing = false;
      batchDone.signalAll();
    }
  }

  // ---------------------------------------------------------------- files (writer only)

  private void writeAndForce(ByteBuffer bytes) throws IOException {
    int n = bytes.remaining();
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    if (fsync && n > 0) {
      channel.force(false);
    }
    segmentBytes += n;
  }

  private void rotate(long firstIndex) throws IOException {
    FileChannel next = createSegment(channels, dir, firstIndex);
    FileChannel old = channel;
    channel = next;
    segmentBytes = LogFormat.SEGMENT_HEADER;
    old.close();
  }

  static FileChannel createSegment(FileChannelFactory channels, Path dir, long firstIndex) throws IOException {
    String name = LogFormat.segmentName(firstIndex);
    Path tmp = dir.resolve("." + name + ".tmp");
    Path target = dir.resolve(name);
    try (FileChannel c = channels.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer h = ByteBuffer.wrap(LogFormat.segmentHeader(firstIndex));
      while (h.hasRemaining()) {
        c.write(h);
      }
      c.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(dir);
    FileChannel ch = channels.open(target, StandardOpenOption.WRITE);
    ch.position(ch.size());
    return ch;
  }

  private static void forceDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private void backgroundCheckpoint() {
    try {
      checkpointIfDue();
    } catch (AuditUnavailableException e) {
      LOG.debug("Background checkpoint skipped: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("Background checkpoint of audit log {} failed", dir, e);
    }
  }

  // ---------------------------------------------------------------- opening and recovery

  /** What opening found: the rebuilt tree and the segment to continue. */
  private static final class Recovery {
    MerkleFrontier tree = new MerkleFrontier();
    Instant lastTime = Instant.MIN;
    @Nullable Checkpoint lastCheckpoint;
    FileChannel channel;
    long segmentBytes;
    @Nullable Map<String, String> repair;
  }

  /**
   * What opening this log repaired (a torn tail truncated, recorded as {@code AUDIT_LOG_REPAIRED}),
   * so the owner can raise an alert; empty if the log opened clean.
   */
  public Optional<Map<String, String>> repairedOnOpen() {
    return Optional.ofNullable(repairedOnOpen);
  }

  static TamperEvidentAuditLog open(Builder b) {
    FileChannel lockChannel = null;
    FileLock fileLock = null;
    Recovery r = null;
    try {
      Files.createDirectories(b.dir);
      lockChannel = FileChannel.open(b.dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        fileLock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        fileLock = null;
      }
      if (fileLock == null) {
        throw new AuditUnavailableException("audit log " + b.dir + " is open in another process or instance");
      }
      if (b.key == null) {
        b.key = AuditSigningKey.loadOrCreate(b.dir.resolve("signing.key"));
      }
      deleteLeftovers(b.dir);
      r = recover(b);
      TamperEvidentAuditLog log = new TamperEvidentAuditLog(b, r, lockChannel, fileLock);
      if (r.repair != null) {
        LOG.warn("Audit log {} had a torn tail; truncated: {}", b.dir, r.repair);
        log.repairedOnOpen = Map.copyOf(r.repair);
        try {
          log.append(new AuditEvent(log.clock.instant(), AuditEventType.AUDIT_LOG_REPAIRED, AuditEvent.SYSTEM,
              null, null, r.repair));
        } catch (RuntimeException e) {
          try {
            log.close();
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
          throw e;
        }
      }
      return log;
    } catch (IOException | UncheckedIOException e) {
      closeQuietly(r, lockChannel);
      throw new AuditUnavailableException("cannot open audit log " + b.dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(r, lockChannel);
      throw e;
    }
  }

  private static void closeQuietly(@Nullable Recovery r, @Nullable FileChannel lockChannel) {
    try {
      if (r != null && r.channel != null) {
        r.channel.close();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException ignored) {
      // Already failing; the original error is what the caller needs.
    }
  }

  private static void deleteLeftovers(Path dir) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + LogFormat.SEGMENT_PREFIX + "*.tmp")) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Recovery recover(Builder b) throws IOException {
    Recovery r = new Recovery();
    var sources = LogScanner.segmentsOf(b.dir);
    if (sources.isEmpty()) {
      r.channel = createSegment(b.channels, b.dir, 0);
      r.segmentBytes = LogFormat.SEGMENT_HEADER;
      return r;
    }
    LogScanner s = new LogScanner(sources);
    long validEnd = LogFormat.SEGMENT_HEADER;
    try (s) {
      while (s.next()) {
        if (s.checkpoint() != null) {
          r.lastCheckpoint = s.checkpoint();
        }
        if (s.inLastSegment()) {
          validEnd = s.endOffset();
        }
      }
      if (s.frontier().size() > 0) {
        r.lastTime = Instant.ofEpochSecond(s.recordSecond(), s.recordNano());
      }
    } catch (AuditLogCorruptException e) {
      Path last = b.dir.resolve(sources.get(sources.size() - 1).name());
      if (!e.segment().equals(last.getFileName().toString()) || e.byteOffset() < LogFormat.SEGMENT_HEADER
          || !isTornTail(last, e.byteOffset())) {
        throw e;
      }
      long size = Files.size(last);
      r.repair = new LinkedHashMap<>();
      r.repair.put("segment", e.segment());
      r.repair.put("offset", Long.toString(e.byteOffset()));
      r.repair.put("discardedBytes", Long.toString(size - e.byteOffset()));
      r.repair.put("problem", e.problem());
      r.repair.put("firstLostIndex", Long.toString(e.recordIndex()));
      try (FileChannel t = b.channels.open(last, StandardOpenOption.WRITE)) {
        t.truncate(e.byteOffset());
        t.force(true);
      }
      if (s.frontier().size() > 0) {
        r.lastTime = Instant.ofEpochSecond(s.recordSecond(), s.recordNano());
      }
    }
    r.tree = s.frontier();
    Path last = b.dir.resolve(sources.get(sources.size() - 1).name());
    r.channel = b.channels.open(last, StandardOpenOption.WRITE);
    r.segmentBytes = r.channel.size();
    r.channel.position(r.segmentBytes);
    return r;
  }

  /**
   * Whether the bad frame at {@code offset} is a torn write: the frame itself is not intact, and no
   * intact frame starts anywhere after it. Anything intact after the damage means the damage is not
   * at the tail, and repairing it would silently drop records.
   */
  static boolean isTornTail(Path segment, long offset) throws IOException {
    long size = Files.size(segment);
    if (size - offset > Integer.MAX_VALUE - 64) {
      return false;
    }
    byte[] rest = new byte[(int) (size - offset)];
    try (FileChannel c = FileChannel.open(segment, StandardOpenOption.READ)) {
      ByteBuffer bb = ByteBuffer.wrap(rest);
      long pos = offset;
      while (bb.hasRemaining()) {
        int n = c.read(bb, pos);
        if (n < 0) {
          return false;
        }
        pos += n;
      }
    }
    CRC32C crc = new CRC32C();
    for (int p = 0; p < rest.length; p++) {
      if (intactFrameAt(rest, p, crc)) {
        return false;
      }
    }
    return true;
  }

  private static boolean intactFrameAt(byte[] b, int p, CRC32C crc) {
    if (b.length - p < LogFormat.FRAME_HEADER) {
      return false;
    }
    crc.reset();
    crc.update(b, p, 5);
    if (readInt(b, p + 5) != (int) crc.getValue()) {
      return false;
    }
    int len = readInt(b, p);
    byte type = b[p + 4];
    if (len < 0 || len > LogFormat.MAX_PAYLOAD || (type != LogFormat.RECORD && type != LogFormat.CHECKPOINT)
        || len > b.length - p - LogFormat.FRAME_HEADER) {
      return false;
    }
    crc.reset();
    crc.update(b, p + LogFormat.FRAME_HEADER, len);
    return readInt(b, p + 9) == (int) crc.getValue();
  }

  private static int readInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  // ---------------------------------------------------------------- configuration

  /**
   * Configures a {@link TamperEvidentAuditLog}. Validates each value as it is set; {@link #build()}
   * opens the log. Not thread-safe; the built log keeps its own copy of the settings.
   */
  public static final class Builder {
    private final Path dir;
    private @Nullable AuditSigningKey key;
    private Clock clock = Clock.systemUTC();
    private int checkpointEvery = 1024;
    private Duration checkpointInterval = Duration.ofSeconds(5);
    private long maxSegmentBytes = 64L << 20;
    private Duration maxWait = Duration.ofMillis(1);
    private boolean fsync = true;
    private boolean backgroundCheckpoints = true;
    private FileChannelFactory channels = FileChannelFactory.DEFAULT;

    private Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "directory").toAbsolutePath();
    }

    /**
     * The checkpoint signing key. Default: the key in {@code <directory>/signing.key}, created on
     * first use. Keeping it elsewhere (another volume, a secret store) means an attacker who can
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
     * How long the thread that writes a batch may wait for concurrent appenders to join it before
     * the write and fsync. It waits only while fewer records are pending than the previous batch
     * had, so a lone appender never waits. Default 1 ms; 0 to 100 ms.
     */
    public Builder groupCommitMaxWait(Duration wait) {
      Objects.requireNonNull(wait, "wait");
      if (wait.isNegative() || wait.compareTo(Duration.ofMillis(100)) > 0) {
        throw new IllegalArgumentException("groupCommitMaxWait must be between 0 and 100 ms, was " + wait);
      }
      this.maxWait = wait;
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
     * Opens the log: rebuilds the tree from every segment, repairs a torn tail, and starts appending.
     *
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
      copy.maxWait = maxWait;
      copy.fsync = fsync;
      copy.backgroundCheckpoints = backgroundCheckpoints;
      copy.channels = channels;
      return open(copy);
    }
  }
}

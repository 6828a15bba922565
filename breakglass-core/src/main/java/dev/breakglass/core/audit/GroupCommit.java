package dev.breakglass.core.audit;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path of {@link TamperEvidentAuditLog}: orders records into the Merkle tree and the
 * open batch, and one writer thread writes and forces batch after batch.
 *
 * <p>Group commit without a linger. Appenders sequence their record under a short lock (sequence
 * number, frame, CRC32C, Merkle leaf, checkpoint when due) and then wait for their batch outside
 * the lock. The writer takes the whole open batch in one swap, writes it with one {@code write} of
 * one contiguous buffer and one {@code force}, and completes it, which wakes its appenders. Whoever
 * arrives while a batch is being forced joins the next one, so batches grow with the load and the
 * rate is bounded by the fsync latency times the number of waiting appenders, not by a timer.
 *
 * <p>All file I/O happens on the writer thread: an appender's interrupt can never close the shared
 * channel. A write or force error fails the batch being written and every record sequenced after
 * it, and the writer stops: the file's state is unknown, so nothing more is accepted until the log
 * is reopened.
 */
final class GroupCommit {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
  private static final byte[] SEQ_ZERO = "{\"seq\":0,".getBytes(StandardCharsets.US_ASCII);

  private final Path dir;
  private final AuditSigningKey key;
  private final Clock clock;
  private final int checkpointEvery;
  private final Duration checkpointInterval;
  private final long maxSegmentBytes;
  private final boolean fsync;
  private final FileChannelFactory channels;
  private final String logId;
  private final Consumer<Checkpoint> onDurable;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  // Guarded by lock.
  private final MerkleFrontier tree;
  private final CRC32C crc = new CRC32C();
  private long nextIndex;
  private Instant lastTime;
  private long lastCheckpointSize;
  private boolean hasCheckpoint;
  private Instant lastCheckpointTime;
  private volatile @Nullable Checkpoint latestCheckpoint;
  private final List<Checkpoint> pendingCheckpoints = new ArrayList<>();
  private LogFormat.FrameBuffer pending = new LogFormat.FrameBuffer(64 * 1024);
  private LogFormat.FrameBuffer spare = new LogFormat.FrameBuffer(64 * 1024);
  private CommitBatch open = new CommitBatch();
  private @Nullable CommitBatch inFlight;
  private boolean writerWaiting;
  private boolean closing;
  private @Nullable AuditUnavailableException failure;
  // Owned by the writer thread.
  private FileChannel channel;
  private long segmentBytes;

  private final Thread writer;

  /**
   * @param logId the id every checkpoint names from now on
   * @param onDurable told of every checkpoint once it is durable, on the writer thread (must return quickly)
   */
  GroupCommit(Path dir, AuditSigningKey key, Clock clock, int checkpointEvery, Duration checkpointInterval,
      long maxSegmentBytes, boolean fsync, FileChannelFactory channels, SegmentFiles.Recovery r, String logId,
      Consumer<Checkpoint> onDurable) {
    this.dir = dir;
    this.key = key;
    this.clock = clock;
    this.checkpointEvery = checkpointEvery;
    this.checkpointInterval = checkpointInterval;
    this.maxSegmentBytes = maxSegmentBytes;
    this.fsync = fsync;
    this.channels = channels;
    this.logId = logId;
    this.onDurable = onDurable;
    this.tree = r.tree;
    this.nextIndex = r.tree.size();
    this.lastTime = r.lastTime;
    this.lastCheckpointSize = r.lastCheckpoint == null ? 0 : r.lastCheckpoint.treeSize();
    this.hasCheckpoint = r.lastCheckpoint != null;
    this.lastCheckpointTime = r.lastCheckpoint == null ? clock.instant() : r.lastCheckpoint.time();
    this.latestCheckpoint = r.lastCheckpoint;
    this.channel = java.util.Objects.requireNonNull(r.channel, "channel");
    this.segmentBytes = r.segmentBytes;
    this.writer = new Thread(this::writeLoop, "breakglass-audit-writer " + dir.getFileName());
    writer.setDaemon(true);
    writer.start();
  }

  /** Orders the event, waits until its batch is durable and returns its sequence number. */
  long append(AuditEvent event, byte[] encodedWithSeqZero) {
    CommitBatch batch;
    long index;
    lock.lock();
    try {
      ensureWritable();
      index = sequence(event, encodedWithSeqZero);
      batch = open;
      wakeWriter();
    } finally {
      lock.unlock();
    }
    batch.await();
    return index;
  }

  /** A checkpoint covering every record so far, once durable; {@code null} for an empty log without one. */
  @Nullable Checkpoint checkpoint() {
    CommitBatch batch;
    lock.lock();
    try {
      ensureWritable();
      if (nextIndex > lastCheckpointSize || !hasCheckpoint) {
        addCheckpoint();
      }
      batch = lastBatch();
      wakeWriter();
    } finally {
      lock.unlock();
    }
    if (batch != null) {
      batch.await();
    }
    return latestCheckpoint();
  }

  /** Writes a checkpoint if records are waiting for one and the checkpoint interval has passed. */
  void checkpointIfDue() {
    CommitBatch batch;
    lock.lock();
    try {
      ensureWritable();
      if (nextIndex <= lastCheckpointSize || !intervalElapsed()) {
        return;
      }
      addCheckpoint();
      batch = open;
      wakeWriter();
    } finally {
      lock.unlock();
    }
    batch.await();
  }

  @Nullable Checkpoint latestCheckpoint() {
    return latestCheckpoint;
  }

  long size() {
    lock.lock();
    try {
      return nextIndex;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Refuses further records, makes everything sequenced durable behind a final checkpoint, stops
   * the writer and closes the segment.
   *
   * @throws AuditUnavailableException if the final batch cannot be made durable or the segment not closed
   */
  void close() {
    CommitBatch last;
    boolean failedBefore;
    lock.lock();
    try {
      closing = true;
      failedBefore = failure != null;
      if (!failedBefore && nextIndex > lastCheckpointSize) {
        addCheckpoint();
      }
      last = lastBatch();
      work.signal();
    } finally {
      lock.unlock();
    }
    AuditUnavailableException error = null;
    if (!failedBefore && last != null) {
      try {
        last.await();
      } catch (AuditUnavailableException e) {
        error = e;
      }
    }
    joinWriter();
    try {
      channel.close();
    } catch (IOException e) {
      if (error == null) {
        error = new AuditUnavailableException("cannot close audit log " + dir + ": " + e.getMessage(), e);
      }
    }
    if (error != null) {
      throw error;
    }
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
    if (nextIndex - lastCheckpointSize >= checkpointEvery) {
      addCheckpoint();
    }
    return index;
  }

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
    long previous = hasCheckpoint ? lastCheckpointSize : Checkpoint.NO_PREVIOUS;
    Checkpoint cp = Checkpoint.sign(logId, previous, nextIndex, tree.root(), time, key);
    LogFormat.writeFrame(pending, LogFormat.CHECKPOINT, cp.toText().getBytes(StandardCharsets.UTF_8), crc);
    lastCheckpointSize = nextIndex;
    lastCheckpointTime = time;
    hasCheckpoint = true;
    pendingCheckpoints.add(cp);
  }

  private boolean intervalElapsed() {
    return Duration.between(lastCheckpointTime, clock.instant()).compareTo(checkpointInterval) >= 0;
  }

  /** The batch that makes everything sequenced so far durable; {@code null} if nothing is outstanding. */
  private @Nullable CommitBatch lastBatch() {
    return pending.isEmpty() ? inFlight : open;
  }

  private void wakeWriter() {
    if (writerWaiting) {
      work.signal();
    }
  }

  // ---------------------------------------------------------------- the writer thread

  private void writeLoop() {
    try {
      writeBatches();
    } catch (RuntimeException | Error e) {
      lock.lock();
      try {
        AuditUnavailableException error = new AuditUnavailableException("audit log " + dir + " writer failed: " + e, e);
        if (failure == null) {
          failure = error;
        }
        if (inFlight != null) {
          inFlight.complete(error);
        }
        open.complete(error);
      } finally {
        lock.unlock();
      }
      LOG.error("Audit log {} writer failed; the log refuses further records until reopened", dir, e);
    }
  }

  private void writeBatches() {
    lock.lock();
    try {
      while (true) {
        while (pending.isEmpty() && !closing) {
          writerWaiting = true;
          work.awaitUninterruptibly();
          writerWaiting = false;
        }
        if (pending.isEmpty()) {
          return;
        }
        if (nextIndex > lastCheckpointSize && pendingCheckpoints.isEmpty()
            && (intervalElapsed() || segmentBytes + pending.length() >= maxSegmentBytes)) {
          addCheckpoint();
        }
        LogFormat.FrameBuffer bytes = pending;
        pending = spare;
        CommitBatch batch = open;
        open = new CommitBatch();
        inFlight = batch;
        long endIndex = nextIndex;
        List<Checkpoint> cps = pendingCheckpoints.isEmpty() ? List.of() : List.copyOf(pendingCheckpoints);
        pendingCheckpoints.clear();
        lock.unlock();
        AuditUnavailableException error = null;
        try {
          writeAndForce(bytes.asByteBuffer());
          if (segmentBytes >= maxSegmentBytes) {
            rotate(endIndex);
          }
        } catch (IOException | RuntimeException | Error e) {
          error = new AuditUnavailableException("cannot write audit log " + dir + ": " + e, e);
        }
        if (error == null) {
          // Appenders are woken before the writer competes with them for the lock again.
          if (!cps.isEmpty()) {
            latestCheckpoint = cps.get(cps.size() - 1);
          }
          batch.complete(null);
          for (Checkpoint cp : cps) {
            publish(cp);
          }
        }
        lock.lock();
        bytes.clear();
        spare = bytes;
        if (error != null) {
          failure = error;
          LOG.error("Audit log {} failed; it refuses further records until reopened", dir, error.getCause());
          batch.complete(error);
          open.complete(error);
          return;
        }
      }
    } finally {
      // An error thrown while the lock was released for I/O must reach writeLoop as itself.
      if (lock.isHeldByCurrentThread()) {
        lock.unlock();
      }
    }
  }

  private void publish(Checkpoint cp) {
    try {
      onDurable.accept(cp);
    } catch (RuntimeException e) {
      LOG.error("Audit log {}: passing checkpoint {} on to its witnesses failed", dir, cp.treeSize(), e);
    }
  }

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
    FileChannel next = SegmentFiles.createSegment(channels, dir, firstIndex);
    FileChannel old = channel;
    channel = next;
    segmentBytes = LogFormat.SEGMENT_HEADER;
    old.close();
  }

  private void joinWriter() {
    uninterruptibly(writer::join);
  }

  /** A wait that an interrupt must not cut short. */
  interface Wait {
    void run() throws InterruptedException;
  }

  /** Runs {@code wait} to its end, keeping an interrupt that arrives meanwhile for the caller. */
  static void uninterruptibly(Wait wait) {
    boolean interrupted = false;
    while (true) {
      try {
        wait.run();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}

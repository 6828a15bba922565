package dev.breakglass.core.internal;

import dev.breakglass.core.durable.Uninterruptible;
import dev.breakglass.spi.files.DurableFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The files of {@link FileGrantStore}: {@code grants.journal} (append-only, locked exclusively while open)
 * and {@code grants.snapshot} (replaced atomically at each compaction). Appends are made by the store
 * under its own write lock, so the journal order is the order of the changes; the fsync that makes them
 * durable is shared by every writer waiting at the time (group commit), or, in write-behind mode, done
 * by a flusher thread that nobody waits for unless it asks ({@link #awaitDurable()}).
 *
 * <p>This class is where the store's fsync is. Thread-safe as used by the store: {@link #append} and
 * {@link #compact} under the store's write lock; the rest from any thread.
 */
final class StateJournal {
  private final Path directory;
  private final Path snapshotFile;
  private final Path journalFile;
  private final long compactBytes;
  private final Object forceLock = new Object();
  private final FileChannel journal;
  /** Bytes in the journal file; under the store's write lock. */
  private long physical;
  /** Bytes ever appended, across compactions: the positions writers wait for. */
  private volatile long logicalEnd;
  private volatile long forced;
  private volatile boolean closed;
  private volatile @Nullable Thread flusher;
  private volatile @Nullable RuntimeException failure;

  /**
   * Opens the journal in {@code directory} (creating it), takes its lock, and hands every record of the
   * snapshot, then of the journal up to its first torn or corrupt frame, to {@code replay}.
   *
   * @throws IOException if the lock is held elsewhere, the snapshot is damaged, or the files cannot be read
   */
  StateJournal(Path directory, long compactBytes, Consumer<Object> replay) throws IOException {
    this.directory = directory;
    this.compactBytes = compactBytes;
    DurableFiles.createPrivateDirectories(directory);
    snapshotFile = directory.resolve("grants.snapshot");
    journalFile = directory.resolve("grants.journal");
    journal = DurableFiles.openPrivate(journalFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = journal.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      journal.close();
      throw new IOException(journalFile + " is in use by another grant store (another process or instance on the"
          + " same data directory); give each instance its own data directory");
    }
    try {
      DurableFiles.deleteLeftovers(snapshotFile);
      if (Files.exists(snapshotFile)) {
        byte[] bytes = Files.readAllBytes(snapshotFile);
        int end = StateCodec.decode(bytes, replay);
        if (end != bytes.length) {
          throw new IOException(snapshotFile + " is damaged at byte " + end + " (bad frame); restore it from a backup");
        }
      }
      DurableFiles.fsyncDirectory(directory);
      StateCodec.decode(Files.readAllBytes(journalFile), replay);
    } catch (IOException | RuntimeException e) {
      journal.close();
      throw e;
    }
  }

  /** Refuses changes once closed or after a failed fsync (the file's state is then unknown). */
  void checkUsable() {
    if (closed) {
      throw new IllegalStateException("the grant store in " + directory + " is closed");
    }
    RuntimeException f = failure;
    if (f != null) {
      throw new IllegalStateException("the grant store in " + directory + " failed to force its journal"
          + " and accepts no more changes: " + f.getMessage(), f);
    }
  }

  /** Appends the record's frame (caller holds the store's write lock); returns the position to see forced. */
  long append(Object record) {
    byte[] frame = StateCodec.frame(record);
    try {
      ByteBuffer buf = ByteBuffer.wrap(frame);
      Uninterruptible.io(() -> {
        while (buf.hasRemaining()) {
          journal.write(buf, physical + buf.position());
        }
        return null;
      });
      physical += frame.length;
      logicalEnd += frame.length;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + journalFile + ": " + e.getMessage(), e);
    }
    return logicalEnd;
  }

  /** Whether the journal has grown past the compaction threshold (caller holds the store's write lock). */
  boolean compactionDue() {
    return physical > compactBytes;
  }

  /**
   * Writes {@code records} (the whole state) as the new snapshot, then empties the journal. Caller holds
   * the store's write lock, so no change is journaled in between.
   */
  void compact(List<Object> records) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Object r : records) {
        out.write(StateCodec.frame(r));
      }
      DurableFiles.write(snapshotFile, out.toByteArray());
      synchronized (forceLock) {
        Uninterruptible.io(() -> {
          journal.truncate(0);
          journal.force(true);
          return null;
        });
        physical = 0;
        forced = logicalEnd;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compact " + journalFile + ": " + e.getMessage(), e);
    }
  }

  /** After an append: waits for its fsync, or wakes the flusher in write-behind mode. */
  void settle(long position) {
    Thread t = flusher;
    if (t == null) {
      awaitForced(position);
    } else {
      LockSupport.unpark(t);
    }
  }

  /** Starts the flusher: from now on writers do not wait for the fsync (see {@link FileGrantStore#writeBehind()}). */
  synchronized void writeBehind() {
    checkUsable();
    if (flusher == null) {
      Thread t = new Thread(this::flushLoop, "breakglass-state-flusher " + directory.getFileName());
      t.setDaemon(true);
      flusher = t;
      t.start();
    }
  }

  /** Waits until everything appended so far is forced. */
  void awaitDurable() {
    RuntimeException f = failure;
    if (f != null) {
      throw f;
    }
    awaitForced(logicalEnd);
  }

  private void flushLoop() {
    while (!closed) {
      if (forced >= logicalEnd) {
        LockSupport.park(this);
        continue;
      }
      try {
        awaitForced(logicalEnd);
      } catch (RuntimeException e) {
        failure = e;
        return;
      }
    }
  }

  private void awaitForced(long position) {
    if (forced >= position) {
      return;
    }
    synchronized (forceLock) {
      if (forced >= position) {
        return;
      }
      // Not under the store's write lock: compact() takes forceLock under it.
      long target = logicalEnd;
      try {
        Uninterruptible.io(() -> {
          journal.force(false);
          return null;
        });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot force " + journalFile + ": " + e.getMessage(), e);
      }
      forced = Math.max(forced, target);
    }
  }

  /**
   * Stops the flusher, forces what is left and closes the file (releasing the lock). Caller holds the
   * store's write lock after marking it closed.
   */
  void close() {
    closed = true;
    Thread t = flusher;
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      synchronized (forceLock) {
        if (journal.isOpen()) {
          journal.force(false);
          forced = logicalEnd;
        }
      }
      journal.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + journalFile + ": " + e.getMessage(), e);
    }
  }
}

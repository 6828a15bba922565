package dev.breakglass.core.internal;

import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.GrantStoreProvider;
import dev.breakglass.spi.ProviderContext;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The durable embedded grant store: every grant and account state lives in {@code <dir>/grants.journal}
 * (an append-only journal of CRC-framed records) and {@code <dir>/grants.snapshot} (the compacted
 * state), both owner-only. A mutation returns only after its journal frame has been forced to disk,
 * so an acknowledged change survives a crash or a SIGKILL; concurrent writers share one fsync (group
 * commit).
 *
 * <p>Compare-and-set decisions and journal appends happen under one lock, so the journal order is the
 * order in which the maps changed. A writer then waits, outside that lock, until the journal is forced
 * up to its own frame. A reader can therefore see a change whose fsync is still under way; any change
 * it makes because of it is journaled after it, so it can never be acknowledged without it.
 *
 * <p>At open the snapshot is read (strictly: a bad frame there refuses to open), then the journal is
 * replayed up to its first incomplete or corrupt frame, which a crash mid-write leaves at the tail and
 * which was never acknowledged; the file is cut there. The state is then written as a new snapshot
 * (atomic replace) and the journal emptied. The journal is compacted the same way once it passes
 * {@link #COMPACT_BYTES}. Replay is idempotent (a record replaces one with a lower version only), so a
 * crash between snapshot and truncation loses nothing.
 *
 * <p>The frame and record format is {@link GrantJournalFormat}.
 *
 * <p>Thread-safe. One store per directory: an exclusive lock on the journal refuses a second one (in
 * this or another process) with a message naming the file.
 */
public final class FileGrantStore implements GrantStore {
  /** The provider name. */
  public static final String NAME = "file";
  /** The journal is compacted into the snapshot once it is larger than this. */
  public static final long COMPACT_BYTES = 8L << 20;

  private final long compactBytes;
  private final Path snapshotFile;
  private final Path journalFile;
  private final Object writeLock = new Object();
  private final Object forceLock = new Object();
  private final Map<String, GrantRecord> grants = new HashMap<>();
  private final Map<String, AccountState> accounts = new HashMap<>();
  private FileChannel journal;
  /** Bytes in the journal file. */
  private long physical;
  /** Bytes ever appended, across compactions: the positions writers wait for. */
  private volatile long logicalEnd;
  private volatile long forced;
  private volatile boolean closed;

  /**
   * Opens (or creates) the store in {@code directory}, replaying what is there.
   *
   * @throws UncheckedIOException naming the file if the state cannot be read or written
   */
  public static FileGrantStore open(Path directory) {
    return open(directory, COMPACT_BYTES);
  }

  static FileGrantStore open(Path directory, long compactBytes) {
    try {
      return new FileGrantStore(directory, compactBytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the grant store in " + directory + ": " + e.getMessage(), e);
    }
  }

  private FileGrantStore(Path directory, long compactBytes) throws IOException {
    this.compactBytes = compactBytes;
    DurableFiles.createPrivateDirectories(directory);
    snapshotFile = directory.resolve("grants.snapshot");
    journalFile = directory.resolve("grants.journal");
    DurableFiles.deleteLeftovers(snapshotFile);
    if (Files.exists(snapshotFile)) {
      byte[] bytes = Files.readAllBytes(snapshotFile);
      int end = replay(bytes);
      if (end != bytes.length) {
        throw new IOException(snapshotFile + " is damaged at byte " + end + " (bad frame); restore it from a backup");
      }
    }
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
    DurableFiles.fsyncDirectory(directory);
    byte[] bytes = Files.readAllBytes(journalFile);
    replay(bytes);
    compact();
  }

  @Override
  public void insert(GrantRecord grant) {
    if (grant.version() != 0) {
      throw new IllegalArgumentException("a new grant must have version 0, was " + grant.version());
    }
    long position;
    synchronized (writeLock) {
      checkOpen();
      if (grants.containsKey(grant.id())) {
        throw new IllegalStateException("grant " + grant.id() + " already exists");
      }
      position = append(GrantJournalFormat.frame(grant));
      grants.put(grant.id(), grant);
      maybeCompact();
    }
    awaitForced(position);
  }

  @Override
  public Optional<GrantRecord> find(String grantId) {
    synchronized (writeLock) {
      return Optional.ofNullable(grants.get(grantId));
    }
  }

  @Override
  public boolean replace(GrantRecord expected, GrantRecord updated) {
    if (!expected.id().equals(updated.id()) || updated.version() != expected.version() + 1) {
      return false;
    }
    long position;
    synchronized (writeLock) {
      checkOpen();
      GrantRecord current = grants.get(expected.id());
      if (current == null || current.version() != expected.version()) {
        return false;
      }
      position = append(GrantJournalFormat.frame(updated));
      grants.put(updated.id(), updated);
      maybeCompact();
    }
    awaitForced(position);
    return true;
  }

  @Override
  public List<GrantRecord> findByStatus(Set<GrantStatus> statuses) {
    List<GrantRecord> matching;
    synchronized (writeLock) {
      matching = grants.values().stream().filter(g -> statuses.contains(g.status())).collect(Collectors.toList());
    }
    matching.sort(Comparator.comparing(GrantRecord::requestedAt).thenComparing(GrantRecord::id));
    return matching;
  }

  @Override
  public AccountState account(String account) {
    synchronized (writeLock) {
      AccountState s = accounts.get(account);
      return s != null ? s : AccountState.initial(account);
    }
  }

  @Override
  public boolean replaceAccount(AccountState expected, AccountState updated) {
    if (!expected.account().equals(updated.account()) || updated.version() != expected.version() + 1) {
      return false;
    }
    long position;
    synchronized (writeLock) {
      checkOpen();
      AccountState current = accounts.get(expected.account());
      long currentVersion = current == null ? 0 : current.version();
      if (currentVersion != expected.version()) {
        return false;
      }
      position = append(GrantJournalFormat.frame(updated));
      accounts.put(updated.account(), updated);
      maybeCompact();
    }
    awaitForced(position);
    return true;
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        synchronized (forceLock) {
          journal.force(false);
          forced = logicalEnd;
        }
        journal.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close " + journalFile + ": " + e.getMessage(), e);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the grant store in " + journalFile.getParent() + " is closed");
    }
  }

  /** Appends under {@link #writeLock}; returns the logical position the caller must see forced. */
  private long append(byte[] frame) {
    try {
      ByteBuffer buf = ByteBuffer.wrap(frame);
      while (buf.hasRemaining()) {
        journal.write(buf, physical + buf.position());
      }
      physical += frame.length;
      logicalEnd += frame.length;
      return logicalEnd;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + journalFile + ": " + e.getMessage(), e);
    }
  }

  private void maybeCompact() {
    if (physical > compactBytes) {
      try {
        compact();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot compact " + journalFile + ": " + e.getMessage(), e);
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
      // Taking writeLock here would deadlock with compact(), which takes forceLock under it.
      long target = logicalEnd;
      try {
        journal.force(false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot force " + journalFile + ": " + e.getMessage(), e);
      }
      forced = Math.max(forced, target);
    }
  }

  /** Under {@link #writeLock} (or in the constructor): snapshot the maps, then empty the journal. */
  private void compact() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (GrantRecord g : grants.values()) {
      out.write(GrantJournalFormat.frame(g));
    }
    for (AccountState a : accounts.values()) {
      out.write(GrantJournalFormat.frame(a));
    }
    DurableFiles.write(snapshotFile, out.toByteArray());
    synchronized (forceLock) {
      journal.truncate(0);
      journal.force(true);
      physical = 0;
      forced = logicalEnd;
    }
  }

  /** Applies every whole, valid frame of {@code bytes}; returns where the valid prefix ends. */
  private int replay(byte[] bytes) throws IOException {
    return GrantJournalFormat.read(bytes, new GrantJournalFormat.Records() {
      @Override
      public void grant(GrantRecord g) {
        GrantRecord old = grants.get(g.id());
        if (old == null || old.version() < g.version()) {
          grants.put(g.id(), g);
        }
      }

      @Override
      public void account(AccountState a) {
        AccountState old = accounts.get(a.account());
        if (old == null || old.version() < a.version()) {
          accounts.put(a.account(), a);
        }
      }
    });
  }


  /**
   * Creates the durable store in {@code <data directory>/state}. */
  public static final class Provider implements GrantStoreProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public GrantStore create(ProviderContext context) {
      return open(context.dataDirectory().resolve("state"));
    }
  }
}

package dev.breakglass.core.internal;

import dev.breakglass.GrantStatus;
import dev.breakglass.core.durable.SyncScope;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.EngineRecord;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.GrantStoreProvider;
import dev.breakglass.spi.IncidentState;
import dev.breakglass.spi.ProviderContext;
import dev.breakglass.spi.ThrottleState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The durable embedded state store: the whole state model of {@link GrantStore} lives in
 * {@code <dir>/grants.journal} (an append-only journal of CRC-framed records, format in
 * {@link StateCodec}, files and fsync in {@link StateJournal}) and {@code <dir>/grants.snapshot} (the
 * compacted state), both owner-only. A mutation returns only after its journal frame has been forced
 * to disk, so an acknowledged change survives a crash or a SIGKILL; concurrent writers share one fsync
 * (group commit).
 *
 * <p>Compare-and-set decisions and journal appends happen under one lock, so the journal order is the
 * order in which the maps changed. A writer then waits, outside that lock, until the journal is forced
 * up to its own frame. A reader can therefore see a change whose fsync is still under way; any change
 * it makes because of it is journaled after it, so it can never be acknowledged without it.
 *
 * <p><b>Write-behind.</b> An owner that can rebuild every change from another durable source may switch
 * the store to {@link #writeBehind()}: a writer then no longer waits for the store's fsync, a flusher
 * thread forces the journal continuously, and {@link #awaitDurable()} waits for it where needed. The
 * engine does not use it: its start-up cross-check corrects ends, releases, taints and incidents from
 * the audit log but does not recreate requests, approvals or counts, so every change waits for its fsync.
 *
 * <p>At open the snapshot is read (strictly: a bad frame there refuses to open), then the journal is
 * replayed up to its first incomplete or corrupt frame, which a crash mid-write leaves at the tail and
 * which was never acknowledged; the file is cut there. The state is then written as a new snapshot
 * (atomic replace) and the journal emptied. The journal is compacted the same way once it passes
 * {@link #COMPACT_BYTES}. Replay is idempotent (a record replaces one with a lower version only;
 * throttles, which a purge may restart at version 1, are replayed in journal order), so a crash between
 * snapshot and truncation loses nothing.
 *
 * <p>Thread-safe. One store per directory: an exclusive lock on the journal refuses a second one (in
 * this or another process) with a message naming the file.
 */
public final class FileGrantStore implements GrantStore {
  /** The provider name. */
  public static final String NAME = "file";
  /** The journal is compacted into the snapshot once it is larger than this. */
  public static final long COMPACT_BYTES = 8L << 20;

  private final Object writeLock = new Object();
  // Guarded by writeLock.
  private final Map<String, GrantRecord> grants = new HashMap<>();
  private final Map<String, AccountState> accounts = new HashMap<>();
  private final Map<String, ThrottleState> throttles = new HashMap<>();
  private final Map<String, EngineRecord> engines = new HashMap<>();
  private IncidentState incident = IncidentState.none();
  private final StateJournal journal;
  private boolean closed;

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
    journal = new StateJournal(directory, compactBytes, this::apply);
    try {
      journal.compact(snapshot());
    } catch (RuntimeException e) {
      journal.close();
      throw e;
    }
  }

  // ---------------------------------------------------------------- grants

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
      position = write(grant);
      grants.put(grant.id(), grant);
      maybeCompact();
    }
    settle(position);
  }

  @Override
  public Optional<GrantRecord> find(String grantId) {
    synchronized (writeLock) {
      return Optional.ofNullable(grants.get(grantId));
    }
  }

  @Override
  public boolean replace(GrantRecord expected, GrantRecord updated) {
    return expected.id().equals(updated.id()) && compareAndSet(grants, expected.id(), expected.version(), updated,
        GrantRecord::version, false);
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

  // ---------------------------------------------------------------- accounts, incident, throttles, engines

  @Override
  public AccountState account(String account) {
    synchronized (writeLock) {
      return accounts.getOrDefault(account, AccountState.initial(account));
    }
  }

  @Override
  public boolean replaceAccount(AccountState expected, AccountState updated) {
    return expected.account().equals(updated.account()) && compareAndSet(accounts, expected.account(),
        expected.version(), updated, AccountState::version, true);
  }

  @Override
  public IncidentState incident() {
    synchronized (writeLock) {
      return incident;
    }
  }

  @Override
  public boolean replaceIncident(IncidentState expected, IncidentState updated) {
    if (updated.version() != expected.version() + 1) {
      return false;
    }
    long position;
    synchronized (writeLock) {
      checkOpen();
      if (incident.version() != expected.version()) {
        return false;
      }
      position = write(updated);
      incident = updated;
      maybeCompact();
    }
    settle(position);
    return true;
  }

  @Override
  public ThrottleState throttle(String key) {
    synchronized (writeLock) {
      return throttles.getOrDefault(key, ThrottleState.initial(key));
    }
  }

  @Override
  public boolean replaceThrottle(ThrottleState expected, ThrottleState updated) {
    return expected.key().equals(updated.key()) && compareAndSet(throttles, expected.key(), expected.version(),
        updated, ThrottleState::version, true);
  }

  @Override
  public int purgeThrottles(Instant now) {
    long position = -1;
    int removed = 0;
    synchronized (writeLock) {
      checkOpen();
      for (ThrottleState t : new ArrayList<>(throttles.values())) {
        if (t.isExpired(now)) {
          position = write(new StateCodec.ThrottlePurged(t.key()));
          throttles.remove(t.key());
          removed++;
        }
      }
      maybeCompact();
    }
    if (position >= 0) {
      settle(position);
    }
    return removed;
  }

  @Override
  public EngineRecord engine(String nodeId) {
    synchronized (writeLock) {
      return engines.getOrDefault(nodeId, EngineRecord.initial(nodeId));
    }
  }

  @Override
  public boolean replaceEngine(EngineRecord expected, EngineRecord updated) {
    return expected.nodeId().equals(updated.nodeId()) && compareAndSet(engines, expected.nodeId(),
        expected.version(), updated, EngineRecord::version, true);
  }

  /**
   * The compare-and-set of every keyed record: under the write lock, the stored version (0 when absent,
   * if {@code absentIsInitial}) must equal {@code expected} and {@code updated} must be the next one.
   */
  private <T> boolean compareAndSet(Map<String, T> map, String key, long expected, T updated,
      Function<T, Long> version, boolean absentIsInitial) {
    if (version.apply(updated) != expected + 1) {
      return false;
    }
    long position;
    synchronized (writeLock) {
      checkOpen();
      T current = map.get(key);
      if (current == null ? !absentIsInitial || expected != 0 : version.apply(current) != expected) {
        return false;
      }
      position = write(updated);
      map.put(key, updated);
      maybeCompact();
    }
    settle(position);
    return true;
  }

  // ---------------------------------------------------------------- durability

  /**
   * Stops waiting for the fsync in every writer: changes are forced by a flusher thread as soon as they
   * are written, and {@link #awaitDurable()} waits for them. Only for an owner that can rebuild any change
   * written since the last force from another durable source (the engine's audit log). Idempotent.
   */
  void writeBehind() {
    journal.writeBehind();
  }

  /**
   * Waits until every change written so far is forced to disk.
   *
   * @throws UncheckedIOException if the journal cannot be forced
   */
  void awaitDurable() {
    journal.awaitDurable();
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      journal.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the grant store is closed");
    }
    journal.checkUsable();
  }

  /** Under {@link #writeLock}: journals the record; returns the position the caller must see forced. */
  private long write(Object record) {
    return journal.append(record);
  }

  private void settle(long position) {
    if (!SyncScope.defer(journal, journal::awaitDurable)) {
      journal.settle(position);
    }
  }

  /** Under {@link #writeLock}, after the maps took the change just written: compacts once the journal is large. */
  private void maybeCompact() {
    if (journal.compactionDue()) {
      journal.compact(snapshot());
    }
  }

  /** The whole state as records (under {@link #writeLock}, or in the constructor). */
  private List<Object> snapshot() {
    List<Object> records = new ArrayList<>(grants.values());
    records.addAll(accounts.values());
    records.addAll(throttles.values());
    records.addAll(engines.values());
    if (incident.version() > 0) {
      records.add(incident);
    }
    return records;
  }

  /** Applies one replayed record: a higher version wins; throttles follow journal order. */
  private void apply(Object record) {
    if (record instanceof GrantRecord g) {
      newer(grants, g.id(), g, GrantRecord::version);
    } else if (record instanceof AccountState a) {
      newer(accounts, a.account(), a, AccountState::version);
    } else if (record instanceof EngineRecord e) {
      newer(engines, e.nodeId(), e, EngineRecord::version);
    } else if (record instanceof IncidentState i) {
      if (i.version() > incident.version()) {
        incident = i;
      }
    } else if (record instanceof ThrottleState t) {
      throttles.put(t.key(), t);
    } else if (record instanceof StateCodec.ThrottlePurged p) {
      throttles.remove(p.key());
    }
  }

  private static <T> void newer(Map<String, T> map, String key, T record, Function<T, Long> version) {
    T old = map.get(key);
    if (old == null || version.apply(old) < version.apply(record)) {
      map.put(key, record);
    }
  }

  /** Creates the durable store in {@code <data directory>/state}. */
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

package dev.breakglass.postgresql;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditSink;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.AuditLogRefusedException;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.Checkpoint;
import dev.breakglass.core.audit.WitnessPublisher;
import dev.breakglass.spi.CheckpointWitness;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AuditSink} that keeps the tamper-evident audit trail in PostgreSQL, so it outlives every
 * instance and several instances write one trail.
 *
 * <h2>What it promises</h2>
 * <ul>
 *   <li><b>The file log's format.</b> Records are the canonical JSON of {@code AuditEventCodec},
 *       each naming the {@link Builder#instanceId instance} that wrote it, and are the leaves of an
 *       RFC 6962 Merkle tree; checkpoints are the Ed25519-signed {@link Checkpoint}s of the file log,
 *       naming one random log id. {@link #export(DataSource, Path)} writes the trail as a log
 *       directory that {@code AuditLogVerifier} and {@code breakglass verify} check offline.
 *   <li><b>One order for every instance.</b> Each commit locks the log's single head row, so
 *       appends of all threads of all instances are totally ordered, gap-free sequence numbers.
 *   <li><b>Group commit.</b> One writer thread per instance commits whatever appends are waiting
 *       in one transaction (one round of the commit), so throughput grows with concurrency.
 *   <li><b>Durable before return, fail closed.</b> {@link #append} returns only after the
 *       transaction holding the record committed. If the database cannot be reached or the commit
 *       fails, every appender of that transaction gets an {@link AuditUnavailableException} (the
 *       engine then refuses the operation, reason {@code AUDIT_UNAVAILABLE}); the next append tries
 *       a new connection, so service resumes on its own when the database is back.
 *   <li><b>Checked at start.</b> The schema is created or migrated (a newer one is refused with
 *       {@link PostgresSchemaException}); an existing log must be signed with the same key, its
 *       newest checkpoint must verify, and it must extend the newest checkpoint of every
 *       {@link Builder#witness witness} ({@link AuditLogRefusedException} otherwise).
 * </ul>
 *
 * <p>Checkpoints are written every {@link Builder#checkpointEveryRecords N records}, when records
 * have waited {@link Builder#checkpointInterval the interval}, and on close, and then handed to the
 * witnesses. Keep witnesses out of this database (another server, another account): whoever can
 * rewrite these tables can rewrite a witness table beside them.
 *
 * <pre>{@code
 * PostgresAuditLog audit = PostgresAuditLog.builder(hostDataSource)
 *     .signingKey(AuditSigningKey.load(Path.of("/run/secrets/audit-signing.key")))
 *     .instanceId(System.getenv("HOSTNAME"))
 *     .build();
 * BreakGlass breakGlass = BreakGlass.builder().policy(policy).auditSink(audit).build();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class PostgresAuditLog implements AuditSink {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresAuditLog.class);
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final int MAX_BATCH = 2048;

  private final DataSource dataSource;
  private final AuditSigningKey key;
  private final Clock clock;
  private final String instanceId;
  private final int checkpointEvery;
  private final Duration checkpointInterval;
  private final String logId;
  private final WitnessPublisher witnesses;
  private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final Object lifecycle = new Object();
  private volatile boolean closed;
  private @Nullable Connection connection;
  private volatile @Nullable Checkpoint latest;

  private PostgresAuditLog(Builder b, String logId, Checkpoint latest) {
    this.dataSource = b.dataSource;
    this.key = Objects.requireNonNull(b.key);
    this.clock = b.clock;
    this.instanceId = b.instanceId;
    this.checkpointEvery = b.checkpointEvery;
    this.checkpointInterval = b.checkpointInterval;
    this.logId = logId;
    this.latest = latest;
    this.witnesses = new WitnessPublisher("PostgreSQL audit log " + logId, b.witnesses);
    this.writer = new Thread(this::run, "breakglass-audit-postgresql");
    writer.setDaemon(true);
    writer.start();
  }

  /** A builder for a log kept in the database reached through {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * {@inheritDoc}
   *
   * @throws AuditUnavailableException if the transaction holding the record did not commit (the
   *     database is down, unreachable or refused it), or the log is closed
   */
  @Override
  public void append(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    await(submit(new Request(event, false)));
  }

  /**
   * Writes a checkpoint for every record committed so far (unless the newest already covers them)
   * and returns the newest checkpoint once it is committed.
   *
   * @throws AuditUnavailableException if the database cannot be reached
   */
  public Checkpoint checkpoint() {
    await(submit(new Request(null, true)));
    return Objects.requireNonNull(latest);
  }

  /** The newest checkpoint this instance wrote or found at start. */
  public Checkpoint latestCheckpoint() {
    return Objects.requireNonNull(latest);
  }

  /** The log's id (32 hex digits), named by every checkpoint. */
  public String logId() {
    return logId;
  }

  /** The id this instance writes into each of its records. */
  public String instanceId() {
    return instanceId;
  }

  /** The public key that verifies this log's checkpoints. */
  public AuditPublicKey publicKey() {
    return key.publicKey();
  }

  /**
   * Checkpoints, then writes the whole trail to {@code directory} in the file log's format.
   *
   * @return the number of records exported
   * @throws AuditUnavailableException if the database cannot be reached
   * @throws IllegalArgumentException if {@code directory} exists and is not empty
   */
  public long exportTo(Path directory) {
    checkpoint();
    return export(dataSource, directory);
  }

  /**
   * Writes the whole trail kept in the database, as one consistent snapshot, to {@code directory}
   * in the file log's format (segments of frames, each checkpoint after the last record it
   * covers), for {@code AuditLogVerifier} or {@code breakglass verify}. Needs no signing key;
   * records after the newest checkpoint are exported too and reported by the verifier as not yet
   * signed.
   *
   * @return the number of records exported
   * @throws AuditUnavailableException if the database cannot be read
   * @throws IllegalArgumentException if {@code directory} exists and is not empty
   */
  public static long export(DataSource dataSource, Path directory) {
    try (Connection c = dataSource.getConnection()) {
      return AuditTables.export(c, directory);
    } catch (SQLException e) {
      throw unavailable("cannot read the audit log from PostgreSQL", e);
    }
  }

  /**
   * Every event of the trail kept in the database, decoded, in sequence order, with the instance
   * that wrote it (held in memory: for tests, tools and small logs).
   *
   * @throws AuditUnavailableException if the database cannot be read
   */
  public static List<AuditEventCodec.Decoded> readAll(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      return AuditTables.records(c);
    } catch (SQLException e) {
      throw unavailable("cannot read the audit log from PostgreSQL", e);
    }
  }

  /**
   * Writes a final checkpoint (if the database can be reached), stops the writer and hands the
   * witnesses what is queued. Idempotent. Appends racing with close either commit or fail with
   * {@link AuditUnavailableException}. Does not close the witnesses or the data source.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      CompletableFuture<Void> last = submit(new Request(null, true));
      closed = true;
      try {
        last.get();
      } catch (ExecutionException e) {
        LOG.warn("Final checkpoint of PostgreSQL audit log {} not written: {}", logId, e.getCause().getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      queue.add(Request.STOP);
    }
    try {
      writer.join(TimeUnit.SECONDS.toMillis(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    witnesses.close();
  }

  @Override
  public String toString() {
    return "PostgresAuditLog[log " + logId + ", instance " + instanceId + ", key " + key.keyId() + "]";
  }

  private CompletableFuture<Void> submit(Request r) {
    synchronized (lifecycle) {
      if (closed) {
        throw new AuditUnavailableException("the PostgreSQL audit log is closed");
      }
      queue.add(r);
    }
    return r.done;
  }

  private static void await(CompletableFuture<Void> done) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          done.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof AuditUnavailableException u) {
            throw new AuditUnavailableException(u.getMessage(), u);
          }
          throw new AuditUnavailableException("audit record not written: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- the writer thread

  private void run() {
    List<Request> batch = new ArrayList<>();
    long lastCheckpointCheck = System.nanoTime();
    while (true) {
      Request first;
      try {
        first = queue.poll(Math.max(1, checkpointInterval.toMillis()), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        continue;
      }
      if (first == Request.STOP) {
        closeConnection();
        return;
      }
      batch.clear();
      if (first != null) {
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
      }
      boolean stop = batch.remove(Request.STOP);
      boolean timeForCheckpoint = System.nanoTime() - lastCheckpointCheck >= checkpointInterval.toNanos();
      if (!batch.isEmpty() || timeForCheckpoint) {
        lastCheckpointCheck = System.nanoTime();
        stop |= commit(batch);
      }
      if (stop) {
        closeConnection();
        return;
      }
    }
  }

  /** Commits {@code batch} and whatever joined it while the head lock was awaited; true if STOP joined. */
  private boolean commit(List<Request> batch) {
    List<AuditEvent> events = new ArrayList<>(batch.size());
    boolean force = false;
    boolean stop = false;
    for (Request r : batch) {
      if (r.event != null) {
        events.add(r.event);
      }
      force |= r.checkpoint;
    }
    Checkpoint written;
    Checkpoint current = null;
    try {
      Connection c = connection();
      c.setAutoCommit(false);
      try {
        AuditTables.Head head = AuditTables.lockHead(c).orElseThrow(() -> new SQLException(
            "the audit log's head row is gone", "55000"));
        if (!head.logId.equals(logId)) {
          throw new AuditUnavailableException("the database now holds another audit log (" + head.logId
              + ") than the one opened (" + logId + "); refusing to write");
        }
        // Other instances held the lock while we waited: appends that arrived meanwhile join this commit.
        int before = batch.size();
        queue.drainTo(batch, Math.max(0, MAX_BATCH - before));
        for (int i = batch.size() - 1; i >= before; i--) {
          Request r = batch.get(i);
          if (r == Request.STOP) {
            stop = true;
            batch.remove(i);
          }
        }
        for (int i = before; i < batch.size(); i++) {
          Request r = batch.get(i);
          if (r.event != null) {
            events.add(r.event);
          }
          force |= r.checkpoint;
        }
        written = AuditTables.append(c, head, events, instanceId, key, clock.instant(), force, checkpointEvery,
            checkpointInterval);
        c.commit();
        if (force && written == null) {
          // Another instance's checkpoint may already cover everything: report the newest one.
          current = AuditTables.latestCheckpoint(c);
        }
      } catch (SQLException | RuntimeException e) {
        Migrations.rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      closeConnection();
      AuditUnavailableException failure = e instanceof AuditUnavailableException u ? u
          : unavailable("audit records not committed to PostgreSQL", e);
      if (!events.isEmpty()) {
        LOG.error("PostgreSQL audit log {}: {} record(s) not committed: {}", logId, events.size(), failure.getMessage());
      }
      for (Request r : batch) {
        r.done.completeExceptionally(failure);
      }
      return stop;
    }
    if (written != null) {
      latest = written;
      witnesses.publish(written);
    } else if (current != null && current.treeSize() > latest.treeSize()) {
      latest = current;
    }
    for (Request r : batch) {
      r.done.complete(null);
    }
    return stop;
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = dataSource.getConnection();
    }
    return connection;
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Broken already; a new one is opened for the next batch.
      }
      connection = null;
    }
  }

  static AuditUnavailableException unavailable(String what, Exception e) {
    String state = e instanceof SQLException s && s.getSQLState() != null ? " (SQL state " + s.getSQLState() + ")" : "";
    return new AuditUnavailableException(what + ": " + e.getMessage() + state, e);
  }

  private static final class Request {
    static final Request STOP = new Request(null, false);
    final @Nullable AuditEvent event;
    final boolean checkpoint;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Request(@Nullable AuditEvent event, boolean checkpoint) {
      this.event = event;
      this.checkpoint = checkpoint;
    }
  }

  // ---------------------------------------------------------------- configuration

  /**
   * Configures a {@link PostgresAuditLog}; {@link #build()} migrates the schema, opens or creates
   * the log and starts the writer. Not thread-safe; the built log keeps its own copy.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable AuditSigningKey key;
    private Clock clock = Clock.systemUTC();
    private String instanceId = randomInstanceId();
    private int checkpointEvery = 1024;
    private Duration checkpointInterval = Duration.ofSeconds(5);
    private final List<CheckpointWitness> witnesses = new ArrayList<>();

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The checkpoint signing key, required. Every instance writing the same log must have the same
     * key ({@code AuditSigningKey.load} of one file distributed as a secret); a log signed with
     * another key is refused at start.
     */
    public Builder signingKey(AuditSigningKey key) {
      this.key = Objects.requireNonNull(key, "key");
      return this;
    }

    /**
     * The id written into each record of this instance (a pod or host name): 1 to 64 letters,
     * digits, {@code . _ : -}. Default: 16 random hex digits, new at every start.
     */
    public Builder instanceId(String id) {
      Objects.requireNonNull(id, "instanceId");
      if (!INSTANCE_ID.matcher(id).matches()) {
        throw new IllegalArgumentException("instanceId must be 1 to 64 letters, digits, '.', '_', ':' or '-', was '"
            + id + "'");
      }
      this.instanceId = id;
      return this;
    }

    /** The clock for record order and checkpoint times. Default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Write a checkpoint once this many records wait for one. Default 1024. */
    public Builder checkpointEveryRecords(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("checkpointEveryRecords must be at least 1, was " + n);
      }
      this.checkpointEvery = n;
      return this;
    }

    /** Write a checkpoint once records have waited this long for one. Default 5 s. */
    public Builder checkpointInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("checkpointInterval must be positive, was " + interval);
      }
      this.checkpointInterval = interval;
      return this;
    }

    /**
     * Adds a witness: at start the log must extend the newest checkpoint it holds; afterwards it
     * gets every checkpoint once committed. The log does not close it.
     */
    public Builder witness(CheckpointWitness witness) {
      witnesses.add(Objects.requireNonNull(witness, "witness"));
      return this;
    }

    /**
     * Migrates the schema, opens (or creates) the log and starts its writer.
     *
     * @throws IllegalStateException if no signing key was given
     * @throws PostgresSchemaException if the database holds a newer schema than this release knows
     * @throws AuditLogRefusedException if the log exists and a check at start fails
     * @throws AuditUnavailableException if the database cannot be reached
     */
    public PostgresAuditLog build() {
      if (key == null) {
        throw new IllegalStateException("signingKey(...) is required: every instance needs the log's signing key");
      }
      String logId;
      Checkpoint latest;
      try (Connection c = dataSource.getConnection()) {
        Migrations.migrate(c, Migrations.LATEST);
        logId = AuditTables.open(c, key, clock.instant(), witnesses);
        latest = AuditTables.latestCheckpoint(c);
      } catch (SQLException e) {
        throw unavailable("cannot open the audit log in PostgreSQL", e);
      }
      PostgresAuditLog log = new PostgresAuditLog(this, logId, Objects.requireNonNull(latest));
      LOG.info("PostgreSQL audit log {} open; this instance writes as '{}'", logId, instanceId);
      log.witnesses.publish(latest);
      return log;
    }

    private static String randomInstanceId() {
      byte[] b = new byte[8];
      new SecureRandom().nextBytes(b);
      return HexFormat.of().formatHex(b);
    }
  }
}

package dev.breakglass.benchmarks;

import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.postgresql.PostgresAuditLog;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Audit events per second (all threads together) into one PostgreSQL database, durable commits
 * ({@code synchronous_commit=on}):
 *
 * <ul>
 *   <li>{@code postgres-audit-1} / {@code postgres-audit-3}: {@link PostgresAuditLog}, one or three
 *       instances (three sinks in this JVM, threads spread over them) writing one trail: group
 *       commit, records hashed into the Merkle tree, checkpoints signed, the head row locked per
 *       transaction.
 *   <li>{@code plain-insert}: the baseline, each thread on its own connection doing one auto-commit
 *       {@code INSERT} of the same canonical JSON per event: what an application would write
 *       without the audit sink.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Threads(64)
public class PostgresAuditBenchmark {
  @Param({"postgres-audit-1", "postgres-audit-3", "plain-insert"})
  public String sink;

  private EmbeddedPostgres postgres;
  private DataSource dataSource;
  private PostgresAuditLog[] logs;
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  static final byte[] RECORD = AuditEventCodec.encode(0, AppendBenchmark.EVENT, "pod-a");

  @Setup(Level.Trial)
  public void setUp() throws IOException, SQLException {
    postgres = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on")
        .setServerConfig("fsync", "on").setServerConfig("max_connections", "300").start();
    dataSource = postgres.getPostgresDatabase();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE plain_audit (id bigserial PRIMARY KEY, record bytea NOT NULL)");
    }
    if (sink.startsWith("postgres-audit")) {
      int n = Integer.parseInt(sink.substring(sink.lastIndexOf('-') + 1));
      AuditSigningKey key = AuditSigningKey.generate();
      logs = new PostgresAuditLog[n];
      for (int i = 0; i < n; i++) {
        logs[i] = PostgresAuditLog.builder(dataSource).signingKey(key).instanceId("pod-" + i).build();
      }
    }
  }

  /** Each thread's connection (baseline) and instance (audit sink). */
  @State(Scope.Thread)
  public static class PerThread {
    Connection connection;
    PreparedStatement insert;
    int instance;
    private static final java.util.concurrent.atomic.AtomicInteger NEXT = new java.util.concurrent.atomic.AtomicInteger();

    @Setup(Level.Trial)
    public void setUp(PostgresAuditBenchmark b) throws SQLException {
      instance = NEXT.getAndIncrement();
      if (b.sink.equals("plain-insert")) {
        connection = b.dataSource.getConnection();
        b.connections.add(connection);
        insert = connection.prepareStatement("INSERT INTO plain_audit (record) VALUES (?)");
      }
    }
  }

  @Benchmark
  public void append(PerThread t) throws SQLException {
    if (logs != null) {
      logs[t.instance % logs.length].append(AppendBenchmark.EVENT);
    } else {
      t.insert.setBytes(1, RECORD);
      t.insert.executeUpdate();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException, SQLException {
    if (logs != null) {
      for (PostgresAuditLog log : logs) {
        log.close();
      }
    }
    for (Connection c : connections) {
      c.close();
    }
    postgres.close();
  }
}

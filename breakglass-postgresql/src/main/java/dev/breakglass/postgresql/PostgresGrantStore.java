package dev.breakglass.postgresql;

import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.EngineRecord;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.IncidentState;
import dev.breakglass.spi.ThrottleState;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine state in PostgreSQL, shared by every instance that uses the same database: the
 * {@code postgresql} grant store ({@code grant-store=postgresql}, see {@link PostgresGrantStoreProvider}).
 *
 * <p>Each record of the {@link GrantStore} state model (grants, accounts, the incident, throttles,
 * engine runs) is one row holding the record as a JSON document and its version. Every
 * compare-and-set is one statement, {@code UPDATE … WHERE key = ? AND version = ?} (or an
 * {@code INSERT … ON CONFLICT DO NOTHING} for a record's first version), so two instances racing for
 * the same change cannot both win: exactly one statement finds the expected version. Each change is
 * committed (auto-commit, with PostgreSQL's default {@code synchronous_commit=on} durable on the
 * server) before the method returns.
 *
 * <pre>{@code
 * DataSource db = PostgresConnection.builder().url("jdbc:postgresql://db.internal:5432/breakglass")
 *     .user("breakglass").password(() -> System.getenv("BREAKGLASS_DB_PASSWORD").toCharArray()).build();
 * BreakGlass engine = BreakGlassEngine.builder()
 *     .policyFile(Path.of("breakglass.yaml"))
 *     .grantStore(PostgresGrantStore.open(db))   // or grant-store=postgresql with properties
 *     .build();
 * }</pre>
 *
 * <p>The schema is created and moved forward by the module's numbered migrations when the store
 * opens; a database written by a newer release is refused ({@link PostgresSchemaException}).
 * Fails closed: when the database cannot be reached, every method throws
 * {@link PostgresUnavailableException} and the engine refuses the operation.
 *
 * <p>Thread-safe. Connections come from a small pool over the data source (see {@link #open(DataSource, int)}).
 */
public final class PostgresGrantStore implements GrantStore {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresGrantStore.class);
  private final ConnectionPool pool;
  private final IncidentListener incidentListener;

  private PostgresGrantStore(ConnectionPool pool, DataSource dataSource) {
    this.pool = pool;
    this.incidentListener = new IncidentListener(dataSource);
  }

  /**
   * Opens the store with up to 8 connections.
   *
   * @see #open(DataSource, int)
   */
  public static PostgresGrantStore open(DataSource dataSource) {
    return open(dataSource, 8);
  }

  /**
   * Opens the store over {@code dataSource}, migrating the schema to the newest version this release
   * knows.
   *
   * @param dataSource where connections come from: {@link PostgresConnection} or the host's pool
   * @param maxConnections how many connections the store keeps open at most (at least 1); callers beyond
   *     that wait for one
   * @throws PostgresSchemaException if the database holds a newer schema than this release knows
   * @throws PostgresUnavailableException if the database cannot be reached
   */
  public static PostgresGrantStore open(DataSource dataSource, int maxConnections) {
    Objects.requireNonNull(dataSource, "dataSource");
    ConnectionPool pool = new ConnectionPool(dataSource, maxConnections);
    try {
      pool.run(c -> Migrations.migrate(c, Migrations.LATEST));
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new PostgresGrantStore(pool, dataSource);
  }

  // ---------------------------------------------------------------- grants

  @Override
  public void insert(GrantRecord grant) {
    Objects.requireNonNull(grant, "grant");
    if (grant.version() != 0) {
      throw new IllegalArgumentException("a new grant must have version 0, was " + grant.version());
    }
    int rows = pool.run(c -> {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO breakglass_grant"
          + " (id, status, requested_s, requested_n, version, doc) VALUES (?, ?, ?, ?, 0, ?::jsonb)"
          + " ON CONFLICT (id) DO NOTHING")) {
        p.setString(1, grant.id());
        p.setString(2, grant.status().name());
        p.setLong(3, grant.requestedAt().getEpochSecond());
        p.setInt(4, grant.requestedAt().getNano());
        p.setString(5, StateJson.write(grant));
        return p.executeUpdate();
      }
    });
    if (rows == 0) {
      throw new IllegalStateException("grant " + grant.id() + " already exists");
    }
  }

  @Override
  public Optional<GrantRecord> find(String grantId) {
    Objects.requireNonNull(grantId, "grantId");
    return Optional.ofNullable(one("SELECT doc FROM breakglass_grant WHERE id = ?", grantId, GrantRecord.class));
  }

  @Override
  public boolean replace(GrantRecord expected, GrantRecord updated) {
    if (!expected.id().equals(updated.id()) || updated.version() != expected.version() + 1) {
      return false;
    }
    return pool.run(c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE breakglass_grant SET status = ?, version = ?,"
          + " doc = ?::jsonb WHERE id = ? AND version = ?")) {
        p.setString(1, updated.status().name());
        p.setLong(2, updated.version());
        p.setString(3, StateJson.write(updated));
        p.setString(4, expected.id());
        p.setLong(5, expected.version());
        return p.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<GrantRecord> findByStatus(Set<GrantStatus> statuses) {
    Objects.requireNonNull(statuses, "statuses");
    if (statuses.isEmpty()) {
      return List.of();
    }
    return pool.run(c -> {
      Array names = c.createArrayOf("text", statuses.stream().map(GrantStatus::name).toArray());
      try (PreparedStatement p = c.prepareStatement("SELECT doc FROM breakglass_grant WHERE status = ANY (?)"
          + " ORDER BY requested_s, requested_n, id")) {
        p.setArray(1, names);
        List<GrantRecord> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            out.add(StateJson.read(r.getString(1), GrantRecord.class));
          }
        }
        return out;
      } finally {
        names.free();
      }
    });
  }

  // ---------------------------------------------------------------- accounts, incident, throttles, engines

  @Override
  public AccountState account(String account) {
    Objects.requireNonNull(account, "account");
    AccountState s = one("SELECT doc FROM breakglass_account WHERE name = ?", account, AccountState.class);
    return s != null ? s : AccountState.initial(account);
  }

  @Override
  public boolean replaceAccount(AccountState expected, AccountState updated) {
    return expected.account().equals(updated.account()) && compareAndSet("breakglass_account", "name",
        expected.account(), expected.version(), updated.version(), StateJson.write(updated), null);
  }

  @Override
  public IncidentState incident() {
    IncidentState s = pool.run(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT doc FROM breakglass_incident WHERE id = 1");
          ResultSet r = p.executeQuery()) {
        return r.next() ? StateJson.read(r.getString(1), IncidentState.class) : null;
      }
    });
    return s != null ? s : IncidentState.none();
  }

  @Override
  public boolean replaceIncident(IncidentState expected, IncidentState updated) {
    if (updated.version() != expected.version() + 1) {
      return false;
    }
    String doc = StateJson.write(updated);
    return pool.run(c -> {
      String sql = expected.version() == 0
          ? "INSERT INTO breakglass_incident (id, version, doc) VALUES (1, ?, ?::jsonb) ON CONFLICT (id) DO NOTHING"
          : "UPDATE breakglass_incident SET version = ?, doc = ?::jsonb WHERE id = 1 AND version = ?";
      boolean replaced;
      try (PreparedStatement p = c.prepareStatement(sql)) {
        p.setLong(1, updated.version());
        p.setString(2, doc);
        if (expected.version() != 0) {
          p.setLong(3, expected.version());
        }
        replaced = p.executeUpdate() == 1;
      }
      if (replaced) {
        // Tells every instance listening (see watchIncident); the change itself is committed already.
        try (PreparedStatement n = c.prepareStatement("SELECT pg_notify(?, ?)")) {
          n.setString(1, IncidentListener.CHANNEL);
          n.setString(2, Long.toString(updated.version()));
          n.execute();
        } catch (SQLException e) {
          // The change stands; the other instances see it at their next sweep instead.
          LOG.warn("incident change stored but not notified: {}", ConnectionPool.describe(e));
        }
      }
      return replaced;
    });
  }

  /**
   * {@inheritDoc} Through PostgreSQL's {@code LISTEN/NOTIFY}: every successful
   * {@link #replaceIncident} notifies channel {@code breakglass_incident}, and a listener thread with a
   * connection of its own calls {@code listener} (also once after each (re)connect). The engine's
   * sweep still re-reads the incident, so a lost connection delays, never loses, a change.
   */
  @Override
  public void watchIncident(Runnable listener) {
    incidentListener.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public ThrottleState throttle(String key) {
    Objects.requireNonNull(key, "key");
    ThrottleState t = one("SELECT doc FROM breakglass_throttle WHERE key = ?", key, ThrottleState.class);
    return t != null ? t : ThrottleState.initial(key);
  }

  @Override
  public boolean replaceThrottle(ThrottleState expected, ThrottleState updated) {
    Instant expires = updated.expiresAt();
    return expected.key().equals(updated.key()) && compareAndSet("breakglass_throttle", "key", expected.key(),
        expected.version(), updated.version(), StateJson.write(updated),
        expires == null ? null : ceilSeconds(expires));
  }

  @Override
  public int purgeThrottles(Instant now) {
    Objects.requireNonNull(now, "now");
    return pool.run(c -> {
      // Candidates by whole seconds, then the exact rule of ThrottleState.isExpired; each row is deleted
      // only at the version read, so a throttle changed meanwhile stays.
      List<ThrottleState> expired = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT doc FROM breakglass_throttle"
          + " WHERE expires_s IS NOT NULL AND expires_s <= ?")) {
        p.setLong(1, ceilSeconds(now));
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            ThrottleState t = StateJson.read(r.getString(1), ThrottleState.class);
            if (t.isExpired(now)) {
              expired.add(t);
            }
          }
        }
      }
      int removed = 0;
      try (PreparedStatement d = c.prepareStatement("DELETE FROM breakglass_throttle WHERE key = ? AND version = ?")) {
        for (ThrottleState t : expired) {
          d.setString(1, t.key());
          d.setLong(2, t.version());
          removed += d.executeUpdate();
        }
      }
      return removed;
    });
  }

  @Override
  public EngineRecord engine(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    EngineRecord e = one("SELECT doc FROM breakglass_engine WHERE node = ?", nodeId, EngineRecord.class);
    return e != null ? e : EngineRecord.initial(nodeId);
  }

  @Override
  public boolean replaceEngine(EngineRecord expected, EngineRecord updated) {
    return expected.nodeId().equals(updated.nodeId()) && compareAndSet("breakglass_engine", "node",
        expected.nodeId(), expected.version(), updated.version(), StateJson.write(updated), null);
  }

  /** Stops listening for incident changes and closes the store's connections. The data stays in the database. */
  @Override
  public void close() {
    incidentListener.close();
    pool.close();
  }

  @Override
  public String toString() {
    return "PostgresGrantStore[" + pool + "]";
  }

  // ---------------------------------------------------------------- plumbing

  private <T> @Nullable T one(String sql, String key, Class<T> type) {
    return pool.run(c -> {
      try (PreparedStatement p = c.prepareStatement(sql)) {
        p.setString(1, key);
        try (ResultSet r = p.executeQuery()) {
          return r.next() ? StateJson.read(r.getString(1), type) : null;
        }
      }
    });
  }

  /**
   * The keyed compare-and-set: the first version is an insert that loses to any row already there,
   * every later one an update that finds the expected version or changes nothing.
   */
  private boolean compareAndSet(String table, String keyColumn, String key, long expected, long updated,
      String doc, @Nullable Long expiresSeconds) {
    if (updated != expected + 1) {
      return false;
    }
    boolean throttle = table.equals("breakglass_throttle");
    return pool.run(c -> {
      String sql;
      if (expected == 0) {
        sql = "INSERT INTO " + table + " (" + keyColumn + ", version, doc" + (throttle ? ", expires_s" : "")
            + ") VALUES (?, ?, ?::jsonb" + (throttle ? ", ?" : "") + ") ON CONFLICT (" + keyColumn + ") DO NOTHING";
      } else {
        sql = "UPDATE " + table + " SET version = ?, doc = ?::jsonb" + (throttle ? ", expires_s = ?" : "")
            + " WHERE " + keyColumn + " = ? AND version = ?";
      }
      try (PreparedStatement p = c.prepareStatement(sql)) {
        int i = 1;
        if (expected == 0) {
          p.setString(i++, key);
          p.setLong(i++, updated);
          p.setString(i++, doc);
          if (throttle) {
            setNullableLong(p, i++, expiresSeconds);
          }
        } else {
          p.setLong(i++, updated);
          p.setString(i++, doc);
          if (throttle) {
            setNullableLong(p, i++, expiresSeconds);
          }
          p.setString(i++, key);
          p.setLong(i++, expected);
        }
        return p.executeUpdate() == 1;
      }
    });
  }

  private static void setNullableLong(PreparedStatement p, int index, @Nullable Long value) throws SQLException {
    if (value == null) {
      p.setNull(index, java.sql.Types.BIGINT);
    } else {
      p.setLong(index, value);
    }
  }

  /** The instant's epoch second, rounded up: a row is a purge candidate once this second has begun. */
  private static long ceilSeconds(Instant t) {
    return t.getNano() == 0 ? t.getEpochSecond() : t.getEpochSecond() + 1;
  }

  /** Work done on one pooled connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }
}

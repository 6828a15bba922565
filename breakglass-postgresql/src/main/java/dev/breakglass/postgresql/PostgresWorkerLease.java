package dev.breakglass.postgresql;

import dev.breakglass.spi.WorkerLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lease=postgresql}: one row per lease in {@code breakglass_lease} says which instance runs
 * the cluster-wide background work (see {@link WorkerLease}), until when, and under which fencing
 * token. Times are the database's ({@code now()}), so the instances' clocks do not matter.
 *
 * <p>{@link #tryHold()} is one statement: it renews the row if this instance holds it, or takes it
 * (token + 1) if it has expired or was given up; otherwise it changes nothing and returns
 * {@code false}. The engine asks at every sweep (every second by default), so a holder renews long
 * before its {@code ttl} (default 10 s) runs out. If the holder dies, another instance takes over at
 * its first sweep after the row expired: within {@code ttl} plus one sweep interval. {@link #close()}
 * gives the row up, so a clean stop hands over at the next sweep of another instance. Any database
 * error reads as not holding (fail towards doing nothing twice).
 *
 * <pre>{@code
 * WorkerLease lease = PostgresWorkerLease.builder(dataSource).ttl(Duration.ofSeconds(10)).build();
 * BreakGlassEngine.builder()...workerLease(lease).build();
 * }</pre>
 */
public final class PostgresWorkerLease implements WorkerLease {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresWorkerLease.class);

  private final DataSource dataSource;
  private final String name;
  private final String holder;
  private final Duration ttl;
  private volatile long token;

  private PostgresWorkerLease(DataSource dataSource, String name, String holder, Duration ttl) {
    this.dataSource = dataSource;
    this.name = name;
    this.holder = holder;
    this.ttl = ttl;
  }

  /** A builder over {@code dataSource}; the schema is migrated when the lease is built. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  @Override
  public boolean tryHold() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement p = c.prepareStatement("INSERT INTO breakglass_lease (name, holder, token, expires_at)"
            + " VALUES (?, ?, 1, now() + make_interval(secs => ?))"
            + " ON CONFLICT (name) DO UPDATE SET"
            + " token = CASE WHEN breakglass_lease.holder = EXCLUDED.holder THEN breakglass_lease.token"
            + " ELSE breakglass_lease.token + 1 END,"
            + " holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at"
            + " WHERE breakglass_lease.holder = EXCLUDED.holder OR breakglass_lease.expires_at <= now()"
            + " RETURNING token")) {
      p.setString(1, name);
      p.setString(2, holder);
      p.setDouble(3, ttl.toMillis() / 1000.0);
      try (ResultSet r = p.executeQuery()) {
        if (r.next()) {
          token = r.getLong(1);
          return true;
        }
        return false;
      }
    } catch (SQLException e) {
      LOG.warn("worker lease '{}' could not be renewed or taken: {}", name, ConnectionPool.describe(e));
      return false;
    }
  }

  @Override
  public long token() {
    return token;
  }

  /** The id this instance holds the lease under: the configured instance id and a random suffix. */
  public String holder() {
    return holder;
  }

  /** Gives the lease up if this instance holds it (the row expires now), so another takes over at once. */
  @Override
  public void close() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement p = c.prepareStatement("UPDATE breakglass_lease SET expires_at = now()"
            + " WHERE name = ? AND holder = ?")) {
      p.setString(1, name);
      p.setString(2, holder);
      p.executeUpdate();
    } catch (SQLException e) {
      LOG.warn("worker lease '{}' could not be given up; it expires by itself: {}", name, ConnectionPool.describe(e));
    }
  }

  @Override
  public String toString() {
    return "PostgresWorkerLease[" + name + ", holder " + holder + ", ttl " + ttl + "]";
  }

  /** Configures a lease. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private String name = "breakglass-worker";
    private String instanceId = "instance";
    private Duration ttl = Duration.ofSeconds(10);

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /** The lease's row name; instances that share the work use the same one. Default {@code breakglass-worker}. */
    public Builder name(String name) {
      if (Objects.requireNonNull(name, "name").isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name.strip();
      return this;
    }

    /** Names this instance in the row (the pod or host name); a random suffix keeps two starts apart. */
    public Builder instanceId(String instanceId) {
      if (Objects.requireNonNull(instanceId, "instanceId").isBlank()) {
        throw new IllegalArgumentException("instanceId must not be blank");
      }
      this.instanceId = instanceId.strip();
      return this;
    }

    /**
     * How long a holding lasts without renewal, at least 1 second; the longest a dead holder keeps the
     * others waiting. Default 10 s. Keep it several times the sweep interval.
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.toMillis() < 1000) {
        throw new IllegalArgumentException("ttl must be at least 1 second, was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Migrates the schema and returns the lease (not yet held: the engine's first sweep tries).
     *
     * @throws PostgresSchemaException if the database holds a newer schema
     * @throws PostgresUnavailableException if the database cannot be reached
     */
    public PostgresWorkerLease build() {
      try (Connection c = dataSource.getConnection()) {
        Migrations.migrate(c, Migrations.LATEST);
      } catch (SQLException e) {
        throw new PostgresUnavailableException("PostgreSQL worker lease: " + ConnectionPool.describe(e), e);
      }
      return new PostgresWorkerLease(dataSource, name, instanceId + "-" + UUID.randomUUID(), ttl);
    }
  }
}

package dev.breakglass.postgresql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The module's schema, created and moved forward by numbered migrations, each applied once in its
 * own transaction. The version reached is kept in {@code breakglass_schema_version}. A database at
 * a version newer than {@link #LATEST} (written by a newer release) is refused, never written to.
 * Concurrent starts serialize on a transaction-scoped advisory lock, so two instances starting
 * together on an empty database apply each migration once.
 */
final class Migrations {
  /** The key of the advisory lock migrations hold (arbitrary, fixed: "breakglass" in ASCII, cut to 63 bits). */
  static final long LOCK = 0x627265616b676cL;

  /** The migrations in order; version n is {@code STEPS.get(n - 1)}. */
  static final List<List<String>> STEPS = List.of(
      // 1: the audit log: one head row (tree size, Merkle frontier, newest checkpoint), records, checkpoints.
      List.of(
          "CREATE TABLE breakglass_audit_head (id smallint PRIMARY KEY CHECK (id = 1), log_id text NOT NULL,"
              + " key_id text NOT NULL, tree_size bigint NOT NULL, frontier bytea NOT NULL, last_record_time text,"
              + " checkpoint_size bigint NOT NULL, checkpoint_time text NOT NULL)",
          "CREATE TABLE breakglass_audit_record (seq bigint PRIMARY KEY, instance_id text NOT NULL,"
              + " record bytea NOT NULL)",
          "CREATE TABLE breakglass_audit_checkpoint (tree_size bigint PRIMARY KEY, checkpoint text NOT NULL)"),
      // 2: checkpoint witnesses kept in the database.
      List.of(
          "CREATE TABLE breakglass_witness (name text PRIMARY KEY, log_id text NOT NULL, tree_size bigint NOT NULL,"
              + " checkpoint text NOT NULL)"),
      // 3: the engine state shared by every instance: each record a JSON document with its version.
      List.of(
          "CREATE TABLE breakglass_grant (id text PRIMARY KEY, status text NOT NULL, requested_s bigint NOT NULL,"
              + " requested_n integer NOT NULL, version bigint NOT NULL, doc jsonb NOT NULL)",
          "CREATE INDEX breakglass_grant_status ON breakglass_grant (status, requested_s, requested_n, id)",
          "CREATE TABLE breakglass_account (name text PRIMARY KEY, version bigint NOT NULL, doc jsonb NOT NULL)",
          "CREATE TABLE breakglass_incident (id smallint PRIMARY KEY CHECK (id = 1), version bigint NOT NULL,"
              + " doc jsonb NOT NULL)",
          "CREATE TABLE breakglass_throttle (key text PRIMARY KEY, version bigint NOT NULL, expires_s bigint,"
              + " doc jsonb NOT NULL)",
          "CREATE TABLE breakglass_engine (node text PRIMARY KEY, version bigint NOT NULL, doc jsonb NOT NULL)"),
      // 4: worker leases: who runs the cluster-wide background work, until when, under which fencing token.
      List.of(
          "CREATE TABLE breakglass_lease (name text PRIMARY KEY, holder text NOT NULL, token bigint NOT NULL,"
              + " expires_at timestamptz NOT NULL)"));

  /** The newest schema version this release knows. */
  static final int LATEST = STEPS.size();

  private Migrations() {}

  /**
   * Brings the schema to {@code target} (normally {@link #LATEST}) and returns the version found
   * before. Commits; leaves the connection in auto-commit mode.
   *
   * @throws PostgresSchemaException if the database holds a newer schema than {@link #LATEST}
   */
  static int migrate(Connection c, int target) throws SQLException {
    c.setAutoCommit(false);
    try {
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        lock.setLong(1, LOCK);
        lock.execute();
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS breakglass_schema_version (version integer NOT NULL,"
            + " applied_at timestamptz NOT NULL DEFAULT now())");
      }
      int found = version(c);
      if (found > LATEST) {
        throw new PostgresSchemaException("the database holds breakglass schema version " + found + ", newer than the "
            + LATEST + " this breakglass-postgresql knows; upgrade breakglass on this instance (a newer release"
            + " wrote it) rather than running an older one against it");
      }
      for (int v = found + 1; v <= target; v++) {
        try (Statement s = c.createStatement()) {
          for (String sql : STEPS.get(v - 1)) {
            s.execute(sql);
          }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO breakglass_schema_version (version) VALUES (?)")) {
          p.setInt(1, v);
          p.executeUpdate();
        }
      }
      c.commit();
      return found;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** The schema version of the database (0: none yet). */
  static int version(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM breakglass_schema_version")) {
      r.next();
      return r.getInt(1);
    }
  }

  static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is failing already; the original error is what the caller needs.
    }
  }
}

package dev.breakglass.postgresql;

import dev.breakglass.AuditUnavailableException;
import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.WitnessedCheckpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link CheckpointWitness} that keeps the newest audit checkpoint in a PostgreSQL table
 * ({@code breakglass_witness}, one row per witness name), so that a rollback of an instance's data
 * directory, or of another database's audit tables, is noticed at the next start.
 *
 * <p>Use a database the audited log's writers cannot rewrite: another server, or at least another
 * database and a role that only this witness uses. A witness in the same tables as the
 * {@link PostgresAuditLog} it watches protects nothing against whoever controls that database.
 *
 * <pre>{@code
 * CheckpointWitness witness = new PostgresCheckpointWitness(witnessDataSource, "payments-prod");
 * }</pre>
 *
 * <p>{@link #witness} runs in one transaction that locks the row, so concurrent checkpoints (from
 * several instances) leave the largest. The schema is created or migrated when the witness is
 * created. Thread-safe.
 */
public final class PostgresCheckpointWitness implements CheckpointWitness {
  /** The provider and default witness name. */
  public static final String NAME = "postgresql";
  private static final Pattern ROW = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private final DataSource dataSource;
  private final String row;

  /**
   * A witness keeping its checkpoint in the row {@code row} of {@code dataSource}'s database,
   * creating or migrating the schema first. Several logs may share one database, each with its own
   * row name.
   *
   * @throws IllegalArgumentException if {@code row} is not 1 to 64 letters, digits, {@code . _ : -}
   * @throws PostgresSchemaException if the database holds a newer schema than this release knows
   * @throws AuditUnavailableException if the database cannot be reached
   */
  public PostgresCheckpointWitness(DataSource dataSource, String row) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(row, "row");
    if (!ROW.matcher(row).matches()) {
      throw new IllegalArgumentException("witness row name must be 1 to 64 letters, digits, '.', '_', ':' or '-',"
          + " was '" + row + "'");
    }
    this.row = row;
    try (Connection c = dataSource.getConnection()) {
      Migrations.migrate(c, Migrations.LATEST);
    } catch (SQLException e) {
      throw PostgresAuditLog.unavailable("cannot prepare the PostgreSQL checkpoint witness", e);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the row holds a checkpoint of another log
   * @throws AuditUnavailableException if the database cannot be reached
   */
  @Override
  public void witness(WitnessedCheckpoint checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO breakglass_witness (name, log_id, tree_size,"
            + " checkpoint) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
          p.setString(1, row);
          p.setString(2, checkpoint.logId());
          p.setLong(3, checkpoint.treeSize());
          p.setString(4, checkpoint.text());
          if (p.executeUpdate() == 1) {
            c.commit();
            return;
          }
        }
        String heldLog;
        long heldSize;
        try (PreparedStatement p = c.prepareStatement(
            "SELECT log_id, tree_size FROM breakglass_witness WHERE name = ? FOR UPDATE")) {
          p.setString(1, row);
          try (ResultSet r = p.executeQuery()) {
            r.next();
            heldLog = r.getString(1);
            heldSize = r.getLong(2);
          }
        }
        if (!heldLog.equals(checkpoint.logId())) {
          throw new IllegalStateException("PostgreSQL witness row '" + row + "' holds log " + heldLog
              + ", not log " + checkpoint.logId() + "; give each log its own row name");
        }
        if (checkpoint.treeSize() > heldSize) {
          try (PreparedStatement p = c.prepareStatement(
              "UPDATE breakglass_witness SET tree_size = ?, checkpoint = ? WHERE name = ?")) {
            p.setLong(1, checkpoint.treeSize());
            p.setString(2, checkpoint.text());
            p.setString(3, row);
            p.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        Migrations.rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw PostgresAuditLog.unavailable("PostgreSQL witness row '" + row + "' did not keep the checkpoint", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws AuditUnavailableException if the database cannot be reached
   */
  @Override
  public Optional<WitnessedCheckpoint> newest() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement p = c.prepareStatement("SELECT checkpoint FROM breakglass_witness WHERE name = ?")) {
      p.setString(1, row);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(WitnessedCheckpoint.parse(r.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw PostgresAuditLog.unavailable("cannot read PostgreSQL witness row '" + row + "'", e);
    }
  }

  @Override
  public String toString() {
    return "PostgresCheckpointWitness[" + row + "]";
  }
}

package dev.breakglass.postgresql;

import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.tck.CheckpointWitnessContract;
import javax.sql.DataSource;

/** The checkpoint witness compatibility kit against a real PostgreSQL database, a fresh one per test. */
class PostgresCheckpointWitnessContractTest extends CheckpointWitnessContract {
  private DataSource dataSource;

  @Override
  protected CheckpointWitness createWitness() {
    dataSource = TestDatabase.create(EmbeddedPostgresServer.shared(), "tck_witness").dataSource();
    return new PostgresCheckpointWitness(dataSource, "payments");
  }

  @Override
  protected CheckpointWitness reopenWitness() {
    return new PostgresCheckpointWitness(dataSource, "payments");
  }
}

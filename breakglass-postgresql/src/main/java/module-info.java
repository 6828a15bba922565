/**
 * PostgreSQL for breakglass: a {@link dev.breakglass.spi.CredentialRotator} for PostgreSQL roles
 * ({@link dev.breakglass.postgresql.PostgresRoleRotator}, provider {@code postgresql}), an audit
 * sink that keeps the tamper-evident trail in PostgreSQL for several instances
 * ({@link dev.breakglass.postgresql.PostgresAuditLog}, provider {@code audit=postgresql}) and a
 * checkpoint witness ({@link dev.breakglass.postgresql.PostgresCheckpointWitness}, provider
 * {@code witness=postgresql}). The audit sink writes the file log's format with the code of
 * breakglass-core, which this module therefore requires.
 */
module dev.breakglass.postgresql {
  requires transitive dev.breakglass.spi;
  requires transitive dev.breakglass.core;
  requires static org.jspecify;
  requires transitive java.sql;
  requires org.postgresql.jdbc;
  requires org.slf4j;
  requires tools.jackson.databind;

  exports dev.breakglass.postgresql;

  provides dev.breakglass.spi.CredentialRotatorProvider with dev.breakglass.postgresql.PostgresRoleRotatorProvider;
  provides dev.breakglass.spi.AuditSinkProvider with dev.breakglass.postgresql.PostgresAuditSinkProvider;
  provides dev.breakglass.spi.CheckpointWitnessProvider with dev.breakglass.postgresql.PostgresCheckpointWitnessProvider;
  provides dev.breakglass.spi.GrantStoreProvider with dev.breakglass.postgresql.PostgresGrantStoreProvider;
  provides dev.breakglass.spi.WorkerLeaseProvider with dev.breakglass.postgresql.PostgresWorkerLeaseProvider;
}

/**
 * A {@link dev.breakglass.spi.CredentialRotator} for PostgreSQL roles: {@link
 * dev.breakglass.postgresql.PostgresRoleRotator}, provider name {@code postgresql}.
 */
module dev.breakglass.postgresql {
  requires transitive dev.breakglass.spi;
  requires static org.jspecify;
  requires java.sql;
  requires org.postgresql.jdbc;
  requires org.slf4j;

  exports dev.breakglass.postgresql;

  provides dev.breakglass.spi.CredentialRotatorProvider with dev.breakglass.postgresql.PostgresRoleRotatorProvider;
}

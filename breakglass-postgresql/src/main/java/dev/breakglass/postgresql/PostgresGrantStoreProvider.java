package dev.breakglass.postgresql;

import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.GrantStoreProvider;
import dev.breakglass.spi.ProviderContext;

/**
 * {@code grant-store=postgresql}: the engine state in PostgreSQL, shared by every instance on the
 * same database ({@link PostgresGrantStore}). Properties under {@code grant-store.postgresql.}:
 * {@code url}, {@code user}, {@code password-env} or {@code password-file} (never a clear-text
 * password), {@code connect-timeout} ({@code 10s}), {@code socket-timeout} ({@code 30s}) and
 * {@code pool-size} (connections kept open at most, default 8).
 *
 * <pre>
 * grant-store=postgresql
 * grant-store.postgresql.url=jdbc:postgresql://db.internal:5432/breakglass
 * grant-store.postgresql.user=breakglass
 * grant-store.postgresql.password-env=BREAKGLASS_DB_PASSWORD
 * </pre>
 *
 * <p>To use the host's own {@code DataSource}, build the store in code and hand it to the engine
 * builder's {@code grantStore(...)}: {@code PostgresGrantStore.open(dataSource)}.
 */
public final class PostgresGrantStoreProvider implements GrantStoreProvider {
  /** For {@link java.util.ServiceLoader}. */
  public PostgresGrantStoreProvider() {}

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public GrantStore create(ProviderContext context) {
    var dataSource = ConnectionProperties.dataSource(context);
    int poolSize = context.integer("pool-size", 8);
    if (poolSize < 1) {
      throw context.problem("pool-size", "must be at least 1, was " + poolSize);
    }
    return PostgresGrantStore.open(dataSource, poolSize);
  }
}

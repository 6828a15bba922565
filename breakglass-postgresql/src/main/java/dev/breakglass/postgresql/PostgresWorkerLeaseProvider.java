package dev.breakglass.postgresql;

import dev.breakglass.spi.ProviderContext;
import dev.breakglass.spi.WorkerLease;
import dev.breakglass.spi.WorkerLeaseProvider;
import java.time.Duration;

/**
 * {@code lease=postgresql}: {@link PostgresWorkerLease}. Properties under {@code lease.postgresql.}:
 * {@code url}, {@code user}, {@code password-env} or {@code password-file}, timeouts as for the other
 * PostgreSQL components, {@code name} (default {@code breakglass-worker}), {@code instance-id} (the
 * pod or host name) and {@code ttl} (default {@code 10s}).
 */
public final class PostgresWorkerLeaseProvider implements WorkerLeaseProvider {
  /** For {@link java.util.ServiceLoader}. */
  public PostgresWorkerLeaseProvider() {}

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public WorkerLease create(ProviderContext context) {
    PostgresWorkerLease.Builder b = PostgresWorkerLease.builder(ConnectionProperties.dataSource(context));
    context.get("name").ifPresent(n -> ConnectionProperties.set(context, "name", () -> b.name(n)));
    context.get("instance-id").ifPresent(id -> ConnectionProperties.set(context, "instance-id", () -> b.instanceId(id)));
    Duration ttl = context.positiveDuration("ttl", Duration.ofSeconds(10));
    ConnectionProperties.set(context, "ttl", () -> b.ttl(ttl));
    return b.build();
  }
}

package dev.breakglass.postgresql;

import dev.breakglass.AuditSink;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.spi.AuditSinkProvider;
import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.ProviderContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Creates a {@link PostgresAuditLog} from configuration ({@code audit=postgresql}); the engine's
 * witnesses ({@code witness=...}) check it at start and receive its checkpoints.
 *
 * <table>
 *   <caption>Properties, under {@code audit.postgresql.}</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code url}</td><td>JDBC URL, {@code jdbc:postgresql://host:port/database}, without a
 *       password</td><td>required</td></tr>
 *   <tr><td>{@code user}</td><td>role to log in as (owns or may create the breakglass tables)</td>
 *       <td>required</td></tr>
 *   <tr><td>{@code password-env}</td><td>environment variable holding the password</td>
 *       <td rowspan="2">exactly one</td></tr>
 *   <tr><td>{@code password-file}</td><td>owner-only file holding the password</td></tr>
 *   <tr><td>{@code signing-key-file}</td><td>the audit signing key, the same file on every
 *       instance (created with {@code AuditSigningKey.generate().writeNew(path)})</td><td>required</td></tr>
 *   <tr><td>{@code instance-id}</td><td>id written into this instance's records (a pod name)</td>
 *       <td>random</td></tr>
 *   <tr><td>{@code checkpoint-every}</td><td>records per checkpoint at most</td><td>1024</td></tr>
 *   <tr><td>{@code checkpoint-interval}</td><td>longest wait of a record for its checkpoint</td><td>5s</td></tr>
 *   <tr><td>{@code connect-timeout}</td><td>connection and login timeout</td><td>10s</td></tr>
 *   <tr><td>{@code socket-timeout}</td><td>timeout for each reply; an append fails closed after it</td>
 *       <td>30s</td></tr>
 * </table>
 *
 * <p>A clear-text {@code password} property is refused.
 */
public final class PostgresAuditSinkProvider implements AuditSinkProvider {
  /** Used by {@link java.util.ServiceLoader}. */
  public PostgresAuditSinkProvider() {}

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public AuditSink create(ProviderContext context) {
    return create(context, List.of());
  }

  @Override
  public AuditSink create(ProviderContext context, List<CheckpointWitness> witnesses) {
    var dataSource = ConnectionProperties.dataSource(context);
    Path keyFile = context.path("signing-key-file").orElseThrow(() -> context.problem("signing-key-file",
        "is required: the audit signing key every instance shares (create it once with"
            + " AuditSigningKey.generate().writeNew(path) and distribute it as a secret)"));
    if (!Files.isReadable(keyFile)) {
      throw context.problem("signing-key-file", keyFile + " does not exist or is not readable");
    }
    AuditSigningKey key;
    try {
      key = AuditSigningKey.load(keyFile);
    } catch (RuntimeException e) {
      throw context.problem("signing-key-file", e.getMessage(), e);
    }
    PostgresAuditLog.Builder b = PostgresAuditLog.builder(dataSource).signingKey(key);
    context.get("instance-id").map(String::strip)
        .ifPresent(id -> ConnectionProperties.set(context, "instance-id", () -> b.instanceId(id)));
    int every = context.integer("checkpoint-every", 1024);
    ConnectionProperties.set(context, "checkpoint-every", () -> b.checkpointEveryRecords(every));
    Duration interval = context.positiveDuration("checkpoint-interval", Duration.ofSeconds(5));
    b.checkpointInterval(interval);
    witnesses.forEach(b::witness);
    return b.build();
  }
}

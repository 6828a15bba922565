package dev.breakglass.postgresql;

import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.CheckpointWitnessProvider;
import dev.breakglass.spi.ProviderContext;

/**
 * Creates a {@link PostgresCheckpointWitness} from configuration ({@code witness=postgresql}).
 *
 * <table>
 *   <caption>Properties, under {@code witness.postgresql.}</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code url}</td><td>JDBC URL, {@code jdbc:postgresql://host:port/database}, without a
 *       password; preferably not the audit log's database</td><td>required</td></tr>
 *   <tr><td>{@code user}</td><td>role to log in as</td><td>required</td></tr>
 *   <tr><td>{@code password-env}</td><td>environment variable holding the password</td>
 *       <td rowspan="2">exactly one</td></tr>
 *   <tr><td>{@code password-file}</td><td>owner-only file holding the password</td></tr>
 *   <tr><td>{@code row}</td><td>row name, one per audited log</td><td>{@code default}</td></tr>
 *   <tr><td>{@code connect-timeout}</td><td>connection and login timeout</td><td>10s</td></tr>
 *   <tr><td>{@code socket-timeout}</td><td>timeout for each reply</td><td>30s</td></tr>
 * </table>
 */
public final class PostgresCheckpointWitnessProvider implements CheckpointWitnessProvider {
  /** Used by {@link java.util.ServiceLoader}. */
  public PostgresCheckpointWitnessProvider() {}

  @Override
  public String name() {
    return PostgresCheckpointWitness.NAME;
  }

  @Override
  public CheckpointWitness create(ProviderContext context) {
    String row = context.get("row").map(String::strip).orElse("default");
    var dataSource = ConnectionProperties.dataSource(context);
    try {
      return new PostgresCheckpointWitness(dataSource, row);
    } catch (IllegalArgumentException e) {
      throw context.problem("row", e.getMessage(), e);
    }
  }
}

package dev.breakglass.spi;

import dev.breakglass.AuditSink;
import java.util.List;

/**
 * Creates an {@link AuditSink} that replaces the engine's embedded file log; registered for
 * {@link java.util.ServiceLoader} (in {@code META-INF/services/dev.breakglass.spi.AuditSinkProvider}
 * and with {@code provides} in {@code module-info.java}).
 *
 * <p>The engine uses the sink named by the property {@code audit} (unset or {@code file}: the
 * embedded log in the data directory). A provider's settings sit under {@code audit.<name>.} and
 * reach it through the {@link ProviderContext} without that prefix:
 *
 * <pre>
 * audit = postgresql
 * audit.postgresql.url = jdbc:postgresql://db.internal:5432/breakglass
 * audit.postgresql.user = breakglass
 * audit.postgresql.password-file = /run/secrets/breakglass-db
 * </pre>
 *
 * <p>The sink must meet the {@link AuditSink} contract (durable before {@code append} returns,
 * {@link dev.breakglass.AuditUnavailableException} when it cannot be); prove it with
 * {@code AuditSinkContract} from breakglass-tck. The engine closes the sink when it closes.
 */
public interface AuditSinkProvider extends Provider<AuditSink> {
  /**
   * Creates the sink and has it check, before its first append, that it extends the newest
   * checkpoint each of {@code witnesses} holds, then hand them every checkpoint it signs. The
   * engine calls this method (with the witnesses named by the property {@code witness}, possibly
   * none) rather than {@link #create(ProviderContext)}; the sink does not close the witnesses.
   *
   * <p>The default refuses any witness (the sink writes no checkpoints they could check) and
   * otherwise calls {@link #create(ProviderContext)}.
   *
   * @param context this sink's settings (the properties under {@code audit.<name>.})
   * @param witnesses the engine's checkpoint witnesses, possibly none
   * @return the sink, ready for appends
   * @throws dev.breakglass.ProviderException if the configuration is incomplete or invalid, or the
   *     sink cannot take witnesses
   */
  default AuditSink create(ProviderContext context, List<CheckpointWitness> witnesses) {
    if (!witnesses.isEmpty()) {
      throw context.problem("audit sink '" + name() + "' writes no checkpoints a witness could keep;"
          + " remove the property 'witness' or choose another audit sink");
    }
    return create(context);
  }
}

package dev.breakglass.spi;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditSink;
import java.util.function.Consumer;

/**
 * An {@link AuditSink} whose records can be read back in the order they were appended. The audit log
 * is the engine's source of truth: at start the engine reads the records the {@link GrantStore} may not
 * hold yet (from {@link EngineRecord#auditPosition()}) and cross-checks the store against them. With a
 * sink that is not readable, that check is skipped (and said so in the {@code ENGINE_STARTED} record).
 *
 * <p>Positions count records from 0 in append order, so {@code read(durableSize(), ...)} reads
 * nothing. The embedded tamper-evident log and the JSON-lines sink implement this interface.
 *
 * <pre>{@code
 * if (sink instanceof ReadableAuditSink readable) {
 *   readable.read(position, event -> check(event));
 * }
 * }</pre>
 */
public interface ReadableAuditSink extends AuditSink {
  /**
   * The number of records that are durable now; every record before this position survives a crash.
    *
    * @return the durable record count
   */
  long durableSize();

  /**
   * Hands every durable record from position {@code from} to {@code each}, in append order, up to the
   * durable size at the time of the call.
   *
   * @throws IllegalArgumentException if {@code from} is negative
   * @throws RuntimeException if the log cannot be read or is damaged (naming where)
    *
    * @param from the first position to read, from 0
    * @param each receives every record in order
   */
  void read(long from, Consumer<AuditEvent> each);
}

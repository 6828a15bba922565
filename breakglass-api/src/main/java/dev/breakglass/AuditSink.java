package dev.breakglass;

/**
 * Where the engine writes its audit trail. The engine fails closed: it performs an operation only
 * after {@link #append} for that operation has returned normally.
 *
 * <p>Implementations must be thread-safe, and {@link #append} must return only once the event is
 * durable (on disk, committed, acknowledged). Use the compatibility kit in {@code breakglass-tck}
 * ({@code AuditSinkContract}) to prove an implementation.
 */
public interface AuditSink extends AutoCloseable {
  /**
   * Makes {@code event} durable. Return only once it would survive a crash.
   *
   * @param event the event to record
   * @throws AuditUnavailableException if it cannot; the engine then refuses the audited operation
   */
  void append(AuditEvent event);

  /** Releases resources. Later appends fail with {@link AuditUnavailableException}. */
  @Override
  default void close() {}
}

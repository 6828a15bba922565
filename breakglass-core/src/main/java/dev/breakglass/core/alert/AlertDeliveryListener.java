package dev.breakglass.core.alert;

import dev.breakglass.spi.Alert;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Hears how each alert fared on each channel, so that the engine can audit it
 * ({@code ALERT_DELIVERED}, {@code ALERT_FAILED}). Every method has a no-op default, so new events can
 * be added without breaking implementors; {@link #NONE} ignores everything.
 *
 * <p>Called from the dispatcher's delivery threads, after the outcome is recorded in the outbox and
 * before the dispatch future completes, so an implementation must be thread-safe and should return
 * quickly. An exception thrown here is logged and otherwise ignored: it never changes the outcome.
 * After a restart the dispatcher reports outcomes of alerts recovered from its outbox too.
 */
public interface AlertDeliveryListener {
  /** A listener that ignores every event. */
  AlertDeliveryListener NONE = new AlertDeliveryListener() {};

  /**
   * {@code channel} delivered {@code alert}.
   *
   * @param channel the channel's routing key (its name unless configured otherwise)
   * @param attempts how many attempts this process made, counting the successful one
   * @param time when delivery was recorded, from the dispatcher's clock
   */
  default void delivered(Alert alert, String channel, int attempts, Instant time) {}

  /**
   * {@code channel} finally failed to deliver {@code alert}: the error was not retryable, the attempts
   * ran out, or the alert is older than the dispatcher's give-up age. The dispatcher will not try
   * this channel again for this alert.
   *
   * @param reason why, without secret material (for the audit record)
   */
  default void failed(Alert alert, String channel, int attempts, String reason, Instant time) {}

  /**
   * The outbox could not make {@code alert} durable (disk full, I/O error). Delivery is still tried
   * from memory, but the alert would be lost if the process stopped before it was delivered.
   */
  default void outboxUnavailable(Alert alert, Exception error) {}

  /**
   * When the dispatcher opened its outbox, {@code lines} lines failed their MAC check: written into
   * the outbox by someone without the outbox key, altered on disk, or left unauthenticated by an
   * older version. They were not replayed and nothing in them is delivered; they were moved to
   * {@code quarantined} for investigation. Called once per start, from the thread that builds the
   * dispatcher, before the CRITICAL {@code ALERT_OUTBOX_TAMPERED} alert is dispatched (the engine
   * audits it here, so the audit record comes first).
   *
   * @param quarantined the owner-only file that now holds the refused lines
   * @param lines how many lines were refused
   * @param problem where the first refused line was and what was wrong with it (never its content)
   */
  default void outboxTampered(Path quarantined, int lines, String problem) {}
}

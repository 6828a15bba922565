package dev.breakglass.core.alert;

import dev.breakglass.spi.Alert;
import java.util.concurrent.CompletableFuture;

/**
 * Hands alerts to the configured {@link dev.breakglass.spi.AlertChannel channels}. The engine calls
 * {@link #dispatch} after the step's audit record is durable, and never waits on a channel longer
 * than its own configured timeout.
 */
public interface AlertDispatcher extends AutoCloseable {
  /**
   * Starts delivery of {@code alert} to every channel routed for its severity. Returns quickly.
   *
   * @return completes normally once at least one channel has confirmed delivery; completes
   *     exceptionally once every routed channel has finally failed
   */
  CompletableFuture<Void> dispatch(Alert alert);

  @Override
  default void close() {}
}

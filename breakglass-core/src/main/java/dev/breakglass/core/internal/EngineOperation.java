package dev.breakglass.core.internal;

import dev.breakglass.BreakGlassException;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.durable.SyncScope;
import dev.breakglass.spi.GrantStoreUnavailableException;
import java.util.function.Supplier;

/**
 * One engine operation: its files forced once when it ends ({@link SyncScope}), and a grant store
 * that cannot be reached turned into a refusal with {@link ReasonCode#STATE_UNAVAILABLE}.
 */
final class EngineOperation {
  private EngineOperation() {}

  static <T> T run(Supplier<T> body) {
    try {
      return SyncScope.run(body);
    } catch (GrantStoreUnavailableException e) {
      throw new BreakGlassException(ReasonCode.STATE_UNAVAILABLE,
          "the engine state is unavailable, nothing was done: " + e.getMessage(), e);
    }
  }

  static void run(Runnable body) {
    run(() -> {
      body.run();
      return null;
    });
  }
}

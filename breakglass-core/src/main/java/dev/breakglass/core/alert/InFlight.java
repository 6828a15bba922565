package dev.breakglass.core.alert;

import dev.breakglass.spi.Alert;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** An alert accepted but not yet delivered or finally failed on every routed channel. */
final class InFlight {
  final Alert alert;
  final Instant acceptedAt;
  /** Routing key to final outcome; null while pending. Guarded by the {@link OutboxLedger}. */
  final Map<String, @Nullable OutboxRecord> outcomes = new LinkedHashMap<>();
  /** Completes once a confirming channel delivered, or exceptionally once none can. */
  final CompletableFuture<Void> confirmed = new CompletableFuture<>();

  InFlight(Alert alert, Instant acceptedAt, List<String> channels) {
    this.alert = alert;
    this.acceptedAt = acceptedAt;
    channels.forEach(c -> outcomes.put(c, null));
  }
}

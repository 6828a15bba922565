package dev.breakglass.core.internal;

import dev.breakglass.core.alert.AlertDispatcher;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each alert once to every channel, each channel on its own thread so that a slow channel
 * never blocks the caller or the other channels. No persistence and no retries.
 */
final class ImmediateAlertDispatcher implements AlertDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ImmediateAlertDispatcher.class);

  private final List<AlertChannel> channels;
  private final ExecutorService executor;

  ImmediateAlertDispatcher(List<AlertChannel> channels) {
    this.channels = List.copyOf(channels);
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "breakglass-alert");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public CompletableFuture<Void> dispatch(Alert alert) {
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    AtomicInteger remaining = new AtomicInteger(channels.size());
    if (channels.isEmpty()) {
      confirmed.completeExceptionally(new IllegalStateException("no alert channel configured"));
    }
    for (AlertChannel channel : channels) {
      executor.execute(() -> {
        try {
          channel.deliver(alert);
          confirmed.complete(null);
        } catch (RuntimeException e) {
          LOG.error("alert {} not delivered by {}: {}", alert.id(), channel.name(), e.getMessage());
          if (remaining.decrementAndGet() == 0) {
            confirmed.completeExceptionally(e);
          }
        }
      });
    }
    return confirmed;
  }

  @Override
  public void close() {
    executor.shutdown();
    channels.forEach(c -> {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing alert channel {} failed: {}", c.name(), e.toString());
      }
    });
  }
}

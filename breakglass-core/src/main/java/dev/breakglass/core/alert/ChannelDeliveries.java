package dev.breakglass.core.alert;

import dev.breakglass.core.retry.Backoff;
import dev.breakglass.spi.AlertDeliveryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where alerts are retried: runs each attempt on its channel's threads, schedules the next one
 * after a {@link Backoff} delay, records final outcomes in the {@link OutboxLedger}, tells the
 * {@link AlertDeliveryListener}, and settles the callers' futures.
 */
final class ChannelDeliveries {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelDeliveries.class);

  private final Map<String, Route> routes;
  private final OutboxLedger ledger;
  private final AlertDeliveryListener listener;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;
  private final Duration giveUpAfter;
  private final Duration confirmationTimeout;

  ChannelDeliveries(Map<String, Route> routes, OutboxLedger ledger, AlertDeliveryListener listener, Clock clock,
      ScheduledExecutorService scheduler, Backoff backoff, Duration giveUpAfter, Duration confirmationTimeout) {
    this.routes = routes;
    this.ledger = ledger;
    this.listener = listener;
    this.clock = clock;
    this.scheduler = scheduler;
    this.backoff = backoff;
    this.giveUpAfter = giveUpAfter;
    this.confirmationTimeout = confirmationTimeout;
  }

  /** The delay before attempt {@code attempt + 1}. */
  Duration backoff(int attempt) {
    return backoff.delayAfter(attempt);
  }

  void submit(InFlight entry, String key, int attempt) {
    Route route = routes.get(key);
    try {
      route.executor.execute(() -> attempt(entry, route, attempt));
    } catch (RejectedExecutionException e) {
      // closed: the alert stays in the outbox and is sent after the next start
    }
  }

  private void attempt(InFlight entry, Route route, int attempt) {
    if (ledger.isClosed()) {
      return;
    }
    try {
      // every channel, a third party's too, gets the text inert
      route.channel.deliver(entry.alert.inert());
    } catch (AlertDeliveryException e) {
      failedAttempt(entry, route, attempt, safeMessage(e), e.retryable());
      return;
    } catch (RuntimeException e) {
      // A channel that throws something else is broken, not the receiver; trying again may work.
      // Only the type is recorded: a third-party message might carry anything.
      failedAttempt(entry, route, attempt, "channel threw " + e.getClass().getName(), true);
      return;
    }
    Instant now = clock.instant();
    if (!ledger.recordOutcome(entry, route.key, new OutboxRecord.Delivered(entry.alert.id(), route.key, attempt, now))) {
      return;
    }
    try {
      listener.delivered(entry.alert, route.key, attempt, now);
    } catch (RuntimeException e) {
      LOG.warn("alert delivery listener failed on 'delivered' for alert {}: {}", entry.alert.id(), e.toString());
    }
    settle(entry);
  }

  private void failedAttempt(InFlight entry, Route route, int attempt, String reason, boolean retryable) {
    Instant now = clock.instant();
    if (retryable && backoff.allowsRetryAfter(attempt)) {
      Duration delay = backoff.delayAfter(attempt);
      if (now.plus(delay).isBefore(entry.acceptedAt.plus(giveUpAfter))) {
        LOG.debug("alert {} on channel '{}': attempt {} failed ({}); retrying in {}", entry.alert.id(), route.key,
            attempt, reason, delay);
        try {
          scheduler.schedule(() -> submit(entry, route.key, attempt + 1), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          // closed: resumed from the outbox after the next start
        }
        return;
      }
    }
    String why = reason + " (after " + attempt + (attempt == 1 ? " attempt" : " attempts")
        + (retryable ? "" : ", not retryable") + ")";
    finalFailure(entry, route.key, attempt, why, now);
  }

  void finalFailure(InFlight entry, String key, int attempts, String reason, Instant now) {
    if (!ledger.recordOutcome(entry, key, new OutboxRecord.Failed(entry.alert.id(), key, attempts, reason, now))) {
      return;
    }
    LOG.error("alert {} ({} {}) finally failed on channel '{}': {}", entry.alert.id(), entry.alert.severity(),
        entry.alert.type(), key, reason);
    try {
      listener.failed(entry.alert, key, attempts, reason, now);
    } catch (RuntimeException e) {
      LOG.warn("alert delivery listener failed on 'failed' for alert {}: {}", entry.alert.id(), e.toString());
    }
    settle(entry);
  }

  /**
   * Completes the entry's future if the outcomes so far decide it. Called outside the ledger's
   * lock, and completes outside it too: completing runs the caller's dependent actions on this thread.
   */
  void settle(InFlight entry) {
    boolean anyConfirmingRouted = false;
    boolean confirmingPending = false;
    boolean delivered = false;
    StringJoiner failures = new StringJoiner("; ");
    synchronized (ledger) {
      for (Map.Entry<String, @Nullable OutboxRecord> e : entry.outcomes.entrySet()) {
        Route route = routes.get(e.getKey());
        if (route == null || !route.confirms) {
          continue;
        }
        anyConfirmingRouted = true;
        OutboxRecord outcome = e.getValue();
        if (outcome instanceof OutboxRecord.Delivered) {
          delivered = true;
        } else if (outcome == null) {
          confirmingPending = true;
        } else if (outcome instanceof OutboxRecord.Failed f) {
          failures.add(e.getKey() + ": " + f.reason());
        }
      }
    }
    if (delivered) {
      entry.confirmed.complete(null);
    } else if (!anyConfirmingRouted) {
      entry.confirmed.completeExceptionally(new AlertDeliveryException("alert " + entry.alert.id()
          + " cannot be confirmed: no channel that confirms delivery is routed for severity "
          + entry.alert.severity() + " (routed: " + entry.outcomes.keySet() + ")", false));
    } else if (!confirmingPending) {
      entry.confirmed.completeExceptionally(new AlertDeliveryException(
          "alert " + entry.alert.id() + " was not delivered by any channel: " + failures, false));
    }
  }

  /** A fresh future for the entry that fails with a timeout if no confirming delivery comes in time. */
  CompletableFuture<Void> withTimeout(InFlight entry) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    if (entry.confirmed.isDone()) {
      forward(entry.confirmed, result);
      return result;
    }
    ScheduledFuture<?> timer;
    try {
      timer = scheduler.schedule(() -> result.completeExceptionally(new AlertDeliveryException("no channel confirmed"
              + " delivery of alert " + entry.alert.id() + " within " + confirmationTimeout
              + "; delivery continues in the background", true,
              new TimeoutException("confirmation timeout " + confirmationTimeout))),
          confirmationTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      timer = null;
    }
    ScheduledFuture<?> t = timer;
    entry.confirmed.whenComplete((v, error) -> {
      if (t != null) {
        t.cancel(false);
      }
      if (error == null) {
        result.complete(null);
      } else {
        result.completeExceptionally(unwrap(error));
      }
    });
    return result;
  }

  /** Resumes delivery of alerts recovered from the outbox. */
  void resume() {
    var recovered = ledger.inFlightNow();
    if (!recovered.isEmpty()) {
      LOG.info("resuming delivery of {} alert(s) from the outbox {}", recovered.size(), ledger.directory());
    }
    for (InFlight entry : recovered) {
      for (String key : ledger.pendingChannels(entry)) {
        if (routes.containsKey(key)) {
          submit(entry, key, 1);
        } else {
          finalFailure(entry, key, 0, "channel '" + key + "' is no longer configured", clock.instant());
        }
      }
      settle(entry);
    }
  }

  private static void forward(CompletableFuture<Void> from, CompletableFuture<Void> to) {
    from.whenComplete((v, e) -> {
      if (e == null) {
        to.complete(null);
      } else {
        to.completeExceptionally(unwrap(e));
      }
    });
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private static String safeMessage(AlertDeliveryException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getName() : m;
  }
}

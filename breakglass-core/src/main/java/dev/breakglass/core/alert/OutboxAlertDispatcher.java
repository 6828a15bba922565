package dev.breakglass.core.alert;

import dev.breakglass.BreakGlassException;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.retry.Backoff;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertDeliveryException;
import dev.breakglass.spi.Severity;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link AlertDispatcher}: alerts survive channel outages and process restarts.
 *
 * <h2>What it promises</h2>
 * <ul>
 *   <li><b>Durable first.</b> {@link #dispatch} writes the alert to an append-only outbox in its
 *       directory and forces it to disk before any channel is tried.
 *   <li><b>Retried, then accounted for.</b> Each routed channel delivers on its own threads. A
 *       retryable failure ({@link AlertDeliveryException#retryable()}) is tried again after an
 *       exponential backoff with jitter, until it succeeds, the attempts run out, or the alert is
 *       older than the give-up age. Success and final failure are both written to the outbox and
 *       reported to the {@link AlertDeliveryListener}.
 *   <li><b>Nothing silently lost.</b> After a restart, opening a dispatcher on the same directory
 *       sends every alert that was not yet delivered or finally failed on each of its channels.
 *       Delivery is at least once: a crash between a channel's success and its outbox record sends
 *       that alert again, so receivers de-duplicate by {@link Alert#id()} (every channel passes it on).
 *   <li><b>Idempotent.</b> Dispatching an alert whose id the outbox already holds starts nothing new
 *       and returns a fresh future for the existing delivery. Ids of completed alerts are kept for
 *       the {@linkplain Builder#completedRetention retention period}, at most the
 *       {@linkplain Builder#maxCompletedIds newest 10,000}.
 *   <li><b>Never blocks the caller.</b> {@code dispatch} returns after the outbox write. Its future
 *       completes normally once a channel that {@linkplain AlertChannel#confirmsDelivery() confirms
 *       delivery} has delivered; exceptionally with an {@link AlertDeliveryException} once every such
 *       routed channel has finally failed, or with one whose cause is a {@link TimeoutException}
 *       when the {@linkplain Builder#confirmationTimeout confirmation timeout} passes first (delivery
 *       goes on in the background; dispatching the same alert again returns a new future). A slow or
 *       hung channel only delays its own queue.
 *   <li><b>Routing by severity.</b> Each channel gets the alerts at or above its minimum severity.
 *   <li><b>Authenticated.</b> Every outbox line carries an HMAC-SHA256 under a key kept outside the
 *       outbox ({@linkplain Builder#outboxKeyFile the outbox key file}). On start a line whose MAC is
 *       missing or wrong (injected or altered on disk) is not delivered: it is moved to
 *       {@code quarantine/} in the outbox directory, reported to
 *       {@link AlertDeliveryListener#outboxTampered} and raised as a CRITICAL
 *       {@code ALERT_OUTBOX_TAMPERED} alert.
 *   <li><b>Bounded.</b> When the active outbox file has grown past the compaction threshold, it is
 *       rewritten with only the alerts still in flight and the ids of recently completed ones.
 * </ul>
 *
 * <h2>Use</h2>
 * <pre>{@code
 * OutboxAlertDispatcher alerts = OutboxAlertDispatcher.builder(dataDirectory.resolve("alert-outbox"))
 *     .channel(new Slf4jAlertChannel(), Severity.INFO)
 *     .channel("pager", pagerDutyWebhook, Severity.HIGH)
 *     .listener(auditingListener)
 *     .build();                       // replays the outbox and resumes undelivered alerts
 * alerts.dispatch(alert);             // after the step's audit record is durable
 * }</pre>
 *
 * <p>The dispatcher owns the channels given to it and closes them in {@link #close()}. Thread-safe.
 */
public final class OutboxAlertDispatcher implements AlertDispatcher {

  private final ChannelRoutes routes;
  private final AlertDeliveryListener listener;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Duration closeTimeout;
  private final OutboxLedger ledger;
  private final ChannelDeliveries deliveries;

  private OutboxAlertDispatcher(Builder b, ChannelRoutes routes, AlertOutbox outbox, OutboxSeal seal) {
    this.routes = routes;
    this.listener = b.listener;
    this.clock = b.clock;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = b.scheduler != null ? b.scheduler : Route.scheduler();
    this.closeTimeout = b.closeTimeout;
    this.ledger = new OutboxLedger(outbox, seal, routes.byKey(), clock, b.completedRetention, b.maxCompletedIds,
        b.compactionThreshold);
    this.deliveries = new ChannelDeliveries(routes.byKey(), ledger, listener, clock, scheduler, b.retryBackoff(),
        b.giveUpAfter, b.confirmationTimeout);
  }

  /**
   * A builder for a dispatcher whose outbox lives in {@code outboxDirectory} (created if absent).
   * One directory must be used by one dispatcher at a time.
   */
  public static Builder builder(Path outboxDirectory) {
    return new Builder(outboxDirectory);
  }

  @Override
  public CompletableFuture<Void> dispatch(Alert alert) {
    Objects.requireNonNull(alert, "alert");
    InFlight entry;
    synchronized (ledger) {
      if (ledger.isClosed()) {
        return CompletableFuture.failedFuture(
            new BreakGlassException(ReasonCode.CLOSED, "alert dispatcher is closed; alert " + alert.id() + " not accepted"));
      }
      OutboxLedger.Completed done = ledger.completed(alert.id());
      if (done != null) {
        return done.future();
      }
      InFlight existing = ledger.inFlight(alert.id());
      if (existing != null) {
        return deliveries.withTimeout(existing);
      }
      entry = new InFlight(alert, clock.instant(), routes.routedFor(alert.severity()));
      try {
        ledger.accept(entry);
      } catch (UncheckedIOException e) {
        OutboxNotices.outboxUnavailable(listener, alert, e);
      }
    }
    deliveries.settle(entry);
    for (String key : entry.outcomes.keySet()) {
      deliveries.submit(entry, key, 1);
    }
    return deliveries.withTimeout(entry);
  }

  /** Alerts accepted but not yet delivered or finally failed on every routed channel. */
  public int pendingCount() {
    return ledger.pendingCount();
  }

  /** The outbox directory. */
  public Path outboxDirectory() {
    return ledger.directory();
  }

  /** The routing keys of the configured channels, in configuration order. */
  public List<String> channelKeys() {
    return List.copyOf(routes.byKey().keySet());
  }

  /** For tests: the delay before attempt {@code attempt + 1}. */
  Duration backoff(int attempt) {
    return deliveries.backoff(attempt);
  }

  @Override
  public void close() {
    if (!ledger.markClosed()) {
      return;
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    routes.drain(closeTimeout);
    List<InFlight> open = ledger.closeOutbox();
    for (InFlight entry : open) {
      entry.confirmed.completeExceptionally(new BreakGlassException(ReasonCode.CLOSED, "alert dispatcher closed"
          + " before alert " + entry.alert.id() + " was confirmed; it stays in the outbox for the next start"));
    }
    routes.closeChannels();
  }

  @Override
  public String toString() {
    return "OutboxAlertDispatcher[outbox=" + ledger.directory() + ", channels=" + routes + "]";
  }

  /** For tests: the number of outbox segment files. */
  long segmentCount() {
    return ledger.segmentCount();
  }

  /** For tests: the number of completed alert ids remembered. */
  int completedCount() {
    return ledger.completedCount();
  }

  /** For tests: the size of the active outbox file. */
  long outboxSize() {
    return ledger.size();
  }

  // ---------------------------------------------------------------- builder

  /**
   * Configures an {@link OutboxAlertDispatcher}. Setters validate eagerly and name the bad value;
   * {@link #build()} may be called once. Not thread-safe.
   */
  public static final class Builder {
    private final Path directory;
    private final Map<String, ChannelRoutes.Spec> channelSpecs = new LinkedHashMap<>();
    private AlertDeliveryListener listener = AlertDeliveryListener.NONE;
    private Clock clock = Clock.systemUTC();
    private @Nullable RandomGenerator random;
    private @Nullable ScheduledExecutorService scheduler;
    private int maxAttempts = 20;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(5);
    private double jitter = 0.5;
    private Duration giveUpAfter = Duration.ofHours(24);
    private Duration confirmationTimeout = Duration.ofSeconds(30);
    private Duration completedRetention = Duration.ofHours(24);
    private int maxCompletedIds = 10_000;
    private long compactionThreshold = 1 << 20;
    private Duration closeTimeout = Duration.ofSeconds(5);
    private int threadsPerChannel = 2;
    private @Nullable Path keyFile;
    private boolean built;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "outboxDirectory");
    }

    /**
     * Adds a channel under its own {@link AlertChannel#name() name}, receiving alerts of
     * {@code minimum} severity and above.
     */
    public Builder channel(AlertChannel channel, Severity minimum) {
      return channel(channel.name(), channel, minimum);
    }

    /**
     * Adds a channel under {@code key} (which names it in the outbox, in routing and to the listener;
     * use distinct keys for two channels of one kind, such as two webhooks). Whether its deliveries
     * count as confirmation comes from {@link AlertChannel#confirmsDelivery()}.
     *
     * @throws IllegalArgumentException if {@code key} is blank, used twice, or not made of letters,
     *     digits, {@code - _ .}
     */
    public Builder channel(String key, AlertChannel channel, Severity minimum) {
      return channel(key, channel, minimum, channel.confirmsDelivery());
    }

    /** Like {@link #channel(String, AlertChannel, Severity)} with confirmation set explicitly. */
    public Builder channel(String key, AlertChannel channel, Severity minimum, boolean confirmsDelivery) {
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(minimum, "minimum");
      ChannelRoutes.checkNewKey(key, channelSpecs.keySet());
      channelSpecs.put(key, new ChannelRoutes.Spec(channel, minimum, confirmsDelivery));
      return this;
    }

    /** Hears delivery outcomes (the engine audits them). Default: {@link AlertDeliveryListener#NONE}. */
    public Builder listener(AlertDeliveryListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The clock for outbox timestamps, the give-up age and retention. Default: UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The source of backoff jitter. Default: {@link java.util.concurrent.ThreadLocalRandom} of the delivering thread. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Runs retry delays and confirmation timeouts. Deliveries themselves never run on it. A given
     * scheduler is not shut down by {@link #close()}; by default the dispatcher makes and owns one
     * daemon thread.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Attempts per channel per alert within one process run. Default 20. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Backoff before the second attempt and the cap it doubles up to. Defaults: 1 s and 5 min.
     *
     * @throws IllegalArgumentException if either is not positive or {@code initial > max}
     */
    public Builder backoff(Duration initial, Duration max) {
      positive("initial backoff", initial);
      positive("max backoff", max);
      if (initial.compareTo(max) > 0) {
        throw new IllegalArgumentException("initial backoff " + initial + " exceeds max backoff " + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * The share of each backoff delay that is randomized away: a delay {@code d} becomes a value in
     * {@code [d * (1 - jitter), d]}. Default 0.5.
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0 && jitter <= 1)) {
        throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /** Stop retrying an alert this long after it was accepted (across restarts). Default 24 h. */
    public Builder giveUpAfter(Duration giveUpAfter) {
      this.giveUpAfter = positive("giveUpAfter", giveUpAfter);
      return this;
    }

    /** How long a dispatch future waits for a confirming delivery before timing out. Default 30 s. */
    public Builder confirmationTimeout(Duration timeout) {
      this.confirmationTimeout = positive("confirmationTimeout", timeout);
      return this;
    }

    /** How long ids of completed alerts are remembered for idempotent re-dispatch. Default 24 h. */
    public Builder completedRetention(Duration retention) {
      this.completedRetention = positive("completedRetention", retention);
      return this;
    }

    /**
     * How many completed alert ids are remembered at most, whatever their age: past it the oldest
     * is forgotten (and would be sent again if dispatched again), so an alert storm cannot grow the
     * outbox and memory without bound. Default 10,000.
     */
    public Builder maxCompletedIds(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxCompletedIds must be at least 1, was " + max);
      }
      this.maxCompletedIds = max;
      return this;
    }

    /** Size of the active outbox file (bytes) past which it is compacted. Default 1 MiB. */
    public Builder compactionThreshold(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("compactionThreshold must be positive, was " + bytes);
      }
      this.compactionThreshold = bytes;
      return this;
    }

    /** How long {@link #close()} lets running deliveries finish before interrupting them. Default 5 s. */
    public Builder closeTimeout(Duration closeTimeout) {
      if (closeTimeout == null || closeTimeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout must not be negative, was " + closeTimeout);
      }
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * The file with the key that authenticates outbox lines (32 random bytes, created owner-only if
     * absent, refused if others may read it). Keep it where whoever can write the outbox cannot read
     * it. Default: {@code keys/alert-outbox.key} next to the outbox directory, i.e.
     * {@code <data>/keys/alert-outbox.key} for the engine's {@code <data>/alert-outbox}.
     */
    public Builder outboxKeyFile(Path keyFile) {
      this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
      return this;
    }

    /** Concurrent deliveries per channel. Default 2. */
    public Builder threadsPerChannel(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threadsPerChannel must be at least 1, was " + threads);
      }
      this.threadsPerChannel = threads;
      return this;
    }

    /**
     * Opens the outbox, replays it, compacts it, and resumes delivery of every alert that was not
     * finished before the last stop.
     *
     * @throws IllegalStateException if no channel was added, or the outbox holds an authenticated
     *     record that cannot be read
     * @throws IllegalArgumentException if the outbox key file may be read by others or is damaged
     * @throws UncheckedIOException if the outbox or its key cannot be read or written
     */
    public OutboxAlertDispatcher build() {
      if (built) {
        throw new IllegalStateException("build() was already called");
      }
      if (channelSpecs.isEmpty()) {
        throw new IllegalStateException("an alert dispatcher needs at least one channel");
      }
      built = true;
      OutboxSeal seal = OutboxSeal.loadOrCreate(keyFile != null ? keyFile
          : directory.toAbsolutePath().resolveSibling("keys").resolve(OutboxSeal.KEY_FILE));
      AlertOutbox.Loaded loaded = AlertOutbox.open(directory);
      OutboxAlertDispatcher d = new OutboxAlertDispatcher(this, ChannelRoutes.start(channelSpecs, threadsPerChannel),
          loaded.outbox(), seal);
      OutboxLedger.Refusal refusal;
      try {
        d.ledger.replay(loaded.records());
        refusal = d.ledger.quarantineRefused();
        if (refusal != null) {
          OutboxNotices.tampered(d.listener, refusal);
        }
        d.ledger.compact();
      } catch (RuntimeException e) {
        loaded.outbox().close();
        d.routes.shutdownNow();
        if (d.ownsScheduler) {
          d.scheduler.shutdownNow();
        }
        throw e;
      }
      d.deliveries.resume();
      if (refusal != null) {
        d.dispatch(OutboxNotices.tamperAlert(refusal, d.clock.instant()));
      }
      return d;
    }

    private Backoff retryBackoff() {
      Backoff.Builder b = Backoff.builder().initialDelay(initialBackoff).multiplier(2).maxDelay(maxBackoff)
          .jitter(jitter).maxAttempts(maxAttempts);
      if (random != null) {
        b.random(random);
      }
      return b.build();
    }

    private static Duration positive(String what, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive, was " + d);
      }
      return d;
    }
  }
}

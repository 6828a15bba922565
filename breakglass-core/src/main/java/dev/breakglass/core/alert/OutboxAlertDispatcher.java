package dev.breakglass.core.alert;

import dev.breakglass.BreakGlassException;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertDeliveryException;
import dev.breakglass.spi.Severity;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *       the {@linkplain Builder#completedRetention retention period}.
 *   <li><b>Never blocks the caller.</b> {@code dispatch} returns after the outbox write. Its future
 *       completes normally once a channel that {@linkplain AlertChannel#confirmsDelivery() confirms
 *       delivery} has delivered; exceptionally with an {@link AlertDeliveryException} once every such
 *       routed channel has finally failed, or with one whose cause is a {@link TimeoutException}
 *       when the {@linkplain Builder#confirmationTimeout confirmation timeout} passes first (delivery
 *       goes on in the background; dispatching the same alert again returns a new future). A slow or
 *       hung channel only delays its own queue.
 *   <li><b>Routing by severity.</b> Each channel gets the alerts at or above its minimum severity.
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
  private static final Logger LOG = LoggerFactory.getLogger(OutboxAlertDispatcher.class);

  private final Map<String, Route> routes;
  private final AlertDeliveryListener listener;
  private final Clock clock;
  private final RandomGenerator random;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double jitter;
  private final Duration giveUpAfter;
  private final Duration confirmationTimeout;
  private final Duration completedRetention;
  private final long compactionThreshold;
  private final Duration closeTimeout;

  private final Object lock = new Object();
  // guarded by lock
  private final AlertOutbox outbox;
  private final Map<String, InFlight> inFlight = new LinkedHashMap<>();
  private final Map<String, Completed> completed = new LinkedHashMap<>();
  private long compactAt;
  private boolean closed;

  private OutboxAlertDispatcher(Builder b, AlertOutbox outbox) {
    this.routes = Collections.unmodifiableMap(new LinkedHashMap<>(b.routes));
    this.listener = b.listener;
    this.clock = b.clock;
    this.random = b.random;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = b.scheduler != null ? b.scheduler : defaultScheduler();
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.jitter = b.jitter;
    this.giveUpAfter = b.giveUpAfter;
    this.confirmationTimeout = b.confirmationTimeout;
    this.completedRetention = b.completedRetention;
    this.compactionThreshold = b.compactionThreshold;
    this.closeTimeout = b.closeTimeout;
    this.outbox = outbox;
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
    List<String> toStart;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(
            new BreakGlassException(ReasonCode.CLOSED, "alert dispatcher is closed; alert " + alert.id() + " not accepted"));
      }
      Completed done = completed.get(alert.id());
      if (done != null) {
        return done.future();
      }
      InFlight existing = inFlight.get(alert.id());
      if (existing != null) {
        return withTimeout(existing);
      }
      List<String> routed = new ArrayList<>();
      for (Route r : routes.values()) {
        if (alert.severity().compareTo(r.minimum) >= 0) {
          routed.add(r.key);
        }
      }
      Instant now = clock.instant();
      entry = new InFlight(alert, now, routed);
      try {
        appendLocked(new OutboxRecord.Accepted(alert, now, routed));
      } catch (UncheckedIOException e) {
        LOG.error("alert {} could not be written to the outbox; delivering from memory only: {}", alert.id(),
            e.getMessage());
        notifyOutboxUnavailable(alert, e);
      }
      inFlight.put(alert.id(), entry);
      if (routed.isEmpty()) {
        completeLocked(entry);
      }
      maybeCompactLocked();
      toStart = routed;
    }
    settle(entry);
    for (String key : toStart) {
      submit(entry, key, 1);
    }
    return withTimeout(entry);
  }

  /** Alerts accepted but not yet delivered or finally failed on every routed channel. */
  public int pendingCount() {
    synchronized (lock) {
      return inFlight.size();
    }
  }

  /** The outbox directory. */
  public Path outboxDirectory() {
    return outbox.directory();
  }

  /** The routing keys of the configured channels, in configuration order. */
  public List<String> channelKeys() {
    return List.copyOf(routes.keySet());
  }

  // ---------------------------------------------------------------- delivery

  private void submit(InFlight entry, String key, int attempt) {
    Route route = routes.get(key);
    try {
      route.executor.execute(() -> attempt(entry, route, attempt));
    } catch (RejectedExecutionException e) {
      // closed: the alert stays in the outbox and is sent after the next start
    }
  }

  private void attempt(InFlight entry, Route route, int attempt) {
    if (isClosed()) {
      return;
    }
    try {
      route.channel.deliver(entry.alert);
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
    if (!recordOutcome(entry, route.key, new OutboxRecord.Delivered(entry.alert.id(), route.key, attempt, now))) {
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
    if (retryable && attempt < maxAttempts) {
      Duration delay = backoff(attempt);
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

  private void finalFailure(InFlight entry, String key, int attempts, String reason, Instant now) {
    if (!recordOutcome(entry, key, new OutboxRecord.Failed(entry.alert.id(), key, attempts, reason, now))) {
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
   * The delay before attempt {@code attempt + 1}: {@code initialBackoff * 2^(attempt-1)}, capped at
   * {@code maxBackoff}, then reduced by a random fraction of up to {@code jitter} so that many alerts
   * failing together do not retry in lockstep.
   */
  Duration backoff(int attempt) {
    long base = initialBackoff.toNanos();
    long cap = maxBackoff.toNanos();
    long delay = base;
    for (int i = 1; i < attempt && delay < cap; i++) {
      delay = delay > cap / 2 ? cap : delay * 2;
    }
    delay = Math.min(delay, cap);
    long reduction = (long) (delay * jitter * random.nextDouble());
    return Duration.ofNanos(Math.max(1, delay - reduction));
  }

  /** Records a channel's final outcome; false if it was already recorded (or the dispatcher closed). */
  private boolean recordOutcome(InFlight entry, String key, OutboxRecord outcome) {
    synchronized (lock) {
      if (closed || entry.outcomes.get(key) != null) {
        return false;
      }
      entry.outcomes.put(key, outcome);
      try {
        appendLocked(outcome);
      } catch (UncheckedIOException e) {
        // The outcome stays in memory; after a restart the alert would be sent again on this channel.
        LOG.error("outcome of alert {} on channel '{}' could not be written to the outbox: {}", entry.alert.id(),
            key, e.getMessage());
      }
      if (!entry.outcomes.containsValue(null)) {
        completeLocked(entry);
      }
      maybeCompactLocked();
      return true;
    }
  }

  /**
   * Completes the entry's future if the outcomes so far decide it. Called outside the lock, and
   * completes outside it too: completing runs the caller's dependent actions on this thread.
   */
  private void settle(InFlight entry) {
    boolean anyConfirmingRouted = false;
    boolean confirmingPending = false;
    boolean delivered = false;
    StringJoiner failures = new StringJoiner("; ");
    synchronized (lock) {
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

  private CompletableFuture<Void> withTimeout(InFlight entry) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    if (entry.confirmed.isDone()) {
      copy(entry.confirmed, result);
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
        result.completeExceptionally(error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error);
      }
    });
    return result;
  }

  private static void copy(CompletableFuture<Void> from, CompletableFuture<Void> to) {
    from.whenComplete((v, e) -> {
      if (e == null) {
        to.complete(null);
      } else {
        to.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
      }
    });
  }

  private void notifyOutboxUnavailable(Alert alert, Exception error) {
    try {
      listener.outboxUnavailable(alert, error);
    } catch (RuntimeException e) {
      LOG.warn("alert delivery listener failed on 'outboxUnavailable' for alert {}: {}", alert.id(), e.toString());
    }
  }

  private static String safeMessage(AlertDeliveryException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getName() : m;
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  // ---------------------------------------------------------------- outbox bookkeeping

  private void appendLocked(OutboxRecord record) {
    outbox.append(OutboxRecord.encode(record));
  }

  private void completeLocked(InFlight entry) {
    inFlight.remove(entry.alert.id());
    boolean confirmed = false;
    StringJoiner failures = new StringJoiner("; ");
    for (Map.Entry<String, @Nullable OutboxRecord> e : entry.outcomes.entrySet()) {
      Route route = routes.get(e.getKey());
      if (e.getValue() instanceof OutboxRecord.Delivered && route != null && route.confirms) {
        confirmed = true;
      } else if (e.getValue() instanceof OutboxRecord.Failed f) {
        failures.add(e.getKey() + ": " + f.reason());
      }
    }
    String failure = confirmed ? null : (failures.length() == 0 ? "no channel that confirms delivery was routed"
        : failures.toString());
    completed.put(entry.alert.id(), new Completed(entry.alert.id(), confirmed, failure, clock.instant()));
  }

  private void maybeCompactLocked() {
    if (outbox.size() >= compactAt) {
      compactLocked();
    }
  }

  private void compactLocked() {
    Instant horizon = clock.instant().minus(completedRetention);
    List<byte[]> live = new ArrayList<>();
    for (Iterator<Completed> it = completed.values().iterator(); it.hasNext(); ) {
      Completed c = it.next();
      if (c.at.isBefore(horizon)) {
        it.remove();
      } else {
        live.add(OutboxRecord.encode(new OutboxRecord.Done(c.id, c.confirmed, c.failure, c.at)));
      }
    }
    for (InFlight entry : inFlight.values()) {
      live.add(OutboxRecord.encode(new OutboxRecord.Accepted(entry.alert, entry.acceptedAt,
          new ArrayList<>(entry.outcomes.keySet()))));
      for (OutboxRecord outcome : entry.outcomes.values()) {
        if (outcome != null) {
          live.add(OutboxRecord.encode(outcome));
        }
      }
    }
    try {
      outbox.rewrite(live);
    } catch (UncheckedIOException e) {
      LOG.error("alert outbox compaction failed; appending to the current file: {}", e.getMessage());
    }
    // Compact again only once the file has doubled past its live size, so that a large live set
    // does not trigger a rewrite on every append.
    compactAt = Math.max(compactionThreshold, outbox.size() * 2);
  }

  /** Replays the records read from the outbox into the in-memory state. */
  private void replay(List<String> lines) {
    int n = 0;
    for (String line : lines) {
      n++;
      OutboxRecord record;
      try {
        record = OutboxRecord.decode(line);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("alert outbox " + outbox.directory() + ": record " + n
            + " is not valid (" + e.getMessage() + "); move the outbox directory aside to start without it", e);
      }
      if (record instanceof OutboxRecord.Accepted a) {
        if (!inFlight.containsKey(a.id()) && !completed.containsKey(a.id())) {
          inFlight.put(a.id(), new InFlight(a.alert(), a.at(), a.channels()));
        }
      } else if (record instanceof OutboxRecord.Done d) {
        inFlight.remove(d.id());
        completed.putIfAbsent(d.id(), new Completed(d.id(), d.confirmed(), d.failure(), d.at()));
      } else {
        InFlight entry = inFlight.get(record.id());
        String channel = record instanceof OutboxRecord.Delivered d ? d.channel() : ((OutboxRecord.Failed) record).channel();
        if (entry != null && entry.outcomes.containsKey(channel) && entry.outcomes.get(channel) == null) {
          entry.outcomes.put(channel, record);
        }
      }
    }
    for (InFlight entry : new ArrayList<>(inFlight.values())) {
      if (!entry.outcomes.containsValue(null)) {
        completeLocked(entry);
      }
    }
  }

  /** Resumes delivery of alerts recovered from the outbox. */
  private void resume() {
    List<InFlight> recovered;
    synchronized (lock) {
      recovered = new ArrayList<>(inFlight.values());
    }
    if (!recovered.isEmpty()) {
      LOG.info("resuming delivery of {} alert(s) from the outbox {}", recovered.size(), outbox.directory());
    }
    for (InFlight entry : recovered) {
      List<String> pending = new ArrayList<>();
      synchronized (lock) {
        entry.outcomes.forEach((key, outcome) -> {
          if (outcome == null) {
            pending.add(key);
          }
        });
      }
      for (String key : pending) {
        if (routes.containsKey(key)) {
          submit(entry, key, 1);
        } else {
          finalFailure(entry, key, 0, "channel '" + key + "' is no longer configured", clock.instant());
        }
      }
      settle(entry);
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    for (Route r : routes.values()) {
      r.executor.shutdown();
    }
    for (Route r : routes.values()) {
      try {
        if (!r.executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          r.executor.shutdownNow();
        }
      } catch (InterruptedException e) {
        r.executor.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    List<InFlight> open;
    synchronized (lock) {
      open = new ArrayList<>(inFlight.values());
      outbox.close();
    }
    for (InFlight entry : open) {
      entry.confirmed.completeExceptionally(new BreakGlassException(ReasonCode.CLOSED, "alert dispatcher closed"
          + " before alert " + entry.alert.id() + " was confirmed; it stays in the outbox for the next start"));
    }
    for (Route r : routes.values()) {
      try {
        r.channel.close();
      } catch (RuntimeException e) {
        LOG.warn("closing alert channel '{}' failed: {}", r.key, e.toString());
      }
    }
  }

  private static ScheduledExecutorService defaultScheduler() {
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemonThreads("breakglass-alert-scheduler"));
    s.setRemoveOnCancelPolicy(true);
    return s;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  // ---------------------------------------------------------------- state

  private static final class Route {
    final String key;
    final AlertChannel channel;
    final Severity minimum;
    final boolean confirms;
    final ExecutorService executor;

    Route(String key, AlertChannel channel, Severity minimum, boolean confirms, int threads) {
      this.key = key;
      this.channel = channel;
      this.minimum = minimum;
      this.confirms = confirms;
      ThreadPoolExecutor ex = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), daemonThreads("breakglass-alert-" + key));
      ex.allowCoreThreadTimeOut(true);
      this.executor = ex;
    }
  }

  private static final class InFlight {
    final Alert alert;
    final Instant acceptedAt;
    /** Routing key to final outcome; null while pending. Guarded by the dispatcher's lock. */
    final Map<String, @Nullable OutboxRecord> outcomes = new LinkedHashMap<>();
    final CompletableFuture<Void> confirmed = new CompletableFuture<>();

    InFlight(Alert alert, Instant acceptedAt, List<String> channels) {
      this.alert = alert;
      this.acceptedAt = acceptedAt;
      channels.forEach(c -> outcomes.put(c, null));
    }
  }

  private record Completed(String id, boolean confirmed, @Nullable String failure, Instant at) {
    CompletableFuture<Void> future() {
      return confirmed ? CompletableFuture.completedFuture(null)
          : CompletableFuture.failedFuture(new AlertDeliveryException("alert " + id + " was not delivered by any"
              + " channel that confirms delivery: " + failure, false));
    }
  }

  // ---------------------------------------------------------------- builder

  /**
   * Configures an {@link OutboxAlertDispatcher}. Setters validate eagerly and name the bad value;
   * {@link #build()} may be called once. Not thread-safe.
   */
  public static final class Builder {
    private final Path directory;
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final Map<String, ChannelSpec> channelSpecs = new LinkedHashMap<>();
    private AlertDeliveryListener listener = AlertDeliveryListener.NONE;
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = RandomGenerator.getDefault();
    private @Nullable ScheduledExecutorService scheduler;
    private int maxAttempts = 20;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(5);
    private double jitter = 0.5;
    private Duration giveUpAfter = Duration.ofHours(24);
    private Duration confirmationTimeout = Duration.ofSeconds(30);
    private Duration completedRetention = Duration.ofHours(24);
    private long compactionThreshold = 1 << 20;
    private Duration closeTimeout = Duration.ofSeconds(5);
    private int threadsPerChannel = 2;
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
      if (key == null || !key.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new IllegalArgumentException("alert channel key '" + key
            + "' must be 1-64 letters, digits, '-', '_' or '.'");
      }
      if (channelSpecs.containsKey(key)) {
        throw new IllegalArgumentException("alert channel key '" + key + "' is used twice; give each channel its own key");
      }
      channelSpecs.put(key, new ChannelSpec(channel, minimum, confirmsDelivery));
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

    /** The source of backoff jitter. Default: {@link RandomGenerator#getDefault()}. */
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
     * @throws IllegalStateException if no channel was added, or the outbox holds a damaged record
     * @throws UncheckedIOException if the outbox cannot be read or written
     */
    public OutboxAlertDispatcher build() {
      if (built) {
        throw new IllegalStateException("build() was already called");
      }
      if (channelSpecs.isEmpty()) {
        throw new IllegalStateException("an alert dispatcher needs at least one channel");
      }
      built = true;
      channelSpecs.forEach((key, spec) -> routes.put(key,
          new Route(key, spec.channel(), spec.minimum(), spec.confirms(), threadsPerChannel)));
      AlertOutbox.Loaded loaded = AlertOutbox.open(directory);
      OutboxAlertDispatcher d = new OutboxAlertDispatcher(this, loaded.outbox());
      try {
        synchronized (d.lock) {
          d.replay(loaded.records());
          d.compactLocked();
        }
      } catch (RuntimeException e) {
        loaded.outbox().close();
        d.routes.values().forEach(r -> r.executor.shutdownNow());
        if (d.ownsScheduler) {
          d.scheduler.shutdownNow();
        }
        throw e;
      }
      d.resume();
      return d;
    }

    private record ChannelSpec(AlertChannel channel, Severity minimum, boolean confirms) {}

    private static Duration positive(String what, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive, was " + d);
      }
      return d;
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("OutboxAlertDispatcher[outbox=").append(outbox.directory()).append(", channels=");
    StringJoiner j = new StringJoiner(", ", "[", "]");
    routes.values().forEach(r -> j.add(r.key + ">=" + r.minimum + (r.confirms ? "" : " (unconfirmed)")));
    return sb.append(j).append(']').toString();
  }

  /** For tests: the number of outbox segment files. */
  long segmentCount() {
    synchronized (lock) {
      return outbox.segmentCount();
    }
  }

  /** For tests: the size of the active outbox file. */
  long outboxSize() {
    synchronized (lock) {
      return outbox.size();
    }
  }

}

package dev.breakglass.core.alert;

import dev.breakglass.spi.AlertDeliveryException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dispatcher knows about its alerts, in memory and in the {@link AlertOutbox}: the alerts
 * in flight with each channel's outcome, the ids of recently completed ones, replay on start and
 * compaction. Every method must be called while holding this object's monitor; the dispatcher
 * takes it around compound steps.
 */
final class OutboxLedger {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxLedger.class);

  private final AlertOutbox outbox;
  private final OutboxSeal seal;
  private final Map<String, Route> routes;
  private final Clock clock;
  private final Duration completedRetention;
  private final int maxCompleted;
  private final long compactionThreshold;
  private final Map<String, InFlight> inFlight = new LinkedHashMap<>();
  private final Map<String, Completed> completed = new LinkedHashMap<>();
  private final List<String> refused = new ArrayList<>();
  private @Nullable String firstRefusal;
  private long compactAt;
  private boolean closed;

  OutboxLedger(AlertOutbox outbox, OutboxSeal seal, Map<String, Route> routes, Clock clock,
      Duration completedRetention, int maxCompleted, long compactionThreshold) {
    this.outbox = outbox;
    this.seal = seal;
    this.routes = routes;
    this.clock = clock;
    this.completedRetention = completedRetention;
    this.maxCompleted = maxCompleted;
    this.compactionThreshold = compactionThreshold;
  }

  /** A completed alert, remembered for idempotent re-dispatch. */
  record Completed(String id, boolean confirmed, @Nullable String failure, Instant at) {
    CompletableFuture<Void> future() {
      return confirmed ? CompletableFuture.completedFuture(null)
          : CompletableFuture.failedFuture(new AlertDeliveryException("alert " + id + " was not delivered by any"
              + " channel that confirms delivery: " + failure, false));
    }
  }

  synchronized boolean isClosed() {
    return closed;
  }

  synchronized @Nullable Completed completed(String id) {
    return completed.get(id);
  }

  synchronized @Nullable InFlight inFlight(String id) {
    return inFlight.get(id);
  }

  synchronized int completedCount() {
    return completed.size();
  }

  synchronized int pendingCount() {
    return inFlight.size();
  }

  synchronized List<InFlight> inFlightNow() {
    return new ArrayList<>(inFlight.values());
  }

  /**
   * Records a newly accepted alert, durably if the outbox can be written.
   *
   * @throws UncheckedIOException if the outbox write failed; the alert is tracked in memory anyway
   */
  synchronized void accept(InFlight entry) {
    inFlight.put(entry.alert.id(), entry);
    try {
      outbox.append(sealed(new OutboxRecord.Accepted(entry.alert, entry.acceptedAt,
          new ArrayList<>(entry.outcomes.keySet()))));
    } finally {
      if (entry.outcomes.isEmpty()) {
        complete(entry);
      }
      maybeCompact();
    }
  }

  /** Records a channel's final outcome; false if it was already recorded (or the dispatcher closed). */
  synchronized boolean recordOutcome(InFlight entry, String key, OutboxRecord outcome) {
    if (closed || entry.outcomes.get(key) != null) {
      return false;
    }
    entry.outcomes.put(key, outcome);
    try {
      // Not forced: lost in a crash, the alert is sent again on this channel under the same id.
      outbox.appendUnforced(sealed(outcome));
    } catch (UncheckedIOException e) {
      // The outcome stays in memory; after a restart the alert would be sent again on this channel.
      LOG.error("outcome of alert {} on channel '{}' could not be written to the outbox: {}", entry.alert.id(),
          key, e.getMessage());
    }
    if (!entry.outcomes.containsValue(null)) {
      complete(entry);
    }
    maybeCompact();
    return true;
  }

  /** The routing keys of the entry still without an outcome. */
  synchronized List<String> pendingChannels(InFlight entry) {
    List<String> pending = new ArrayList<>();
    entry.outcomes.forEach((key, outcome) -> {
      if (outcome == null) {
        pending.add(key);
      }
    });
    return pending;
  }

  /** Marks the ledger closed: no outcome is recorded after this. False if it already was. */
  synchronized boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  /** Closes the outbox; returns the alerts still in flight. */
  synchronized List<InFlight> closeOutbox() {
    List<InFlight> open = new ArrayList<>(inFlight.values());
    outbox.close();
    return open;
  }

  private void complete(InFlight entry) {
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
    remember(new Completed(entry.alert.id(), confirmed, failure, clock.instant()));
  }

  /** Remembers a completed alert; past the count bound the oldest remembered one is forgotten. */
  private void remember(Completed c) {
    if (completed.putIfAbsent(c.id(), c) != null) {
      return;
    }
    Iterator<String> oldest = completed.keySet().iterator();
    while (completed.size() > maxCompleted) {
      oldest.next();
      oldest.remove();
    }
  }

  private void maybeCompact() {
    if (outbox.size() >= compactAt) {
      compact();
    }
  }

  /** Rewrites the outbox with only the alerts in flight and the ids of recently completed ones. */
  synchronized void compact() {
    Instant horizon = clock.instant().minus(completedRetention);
    List<byte[]> live = new ArrayList<>();
    for (Iterator<Completed> it = completed.values().iterator(); it.hasNext(); ) {
      Completed c = it.next();
      if (c.at.isBefore(horizon)) {
        it.remove();
      } else {
        live.add(sealed(new OutboxRecord.Done(c.id, c.confirmed, c.failure, c.at)));
      }
    }
    for (InFlight entry : inFlight.values()) {
      live.add(sealed(new OutboxRecord.Accepted(entry.alert, entry.acceptedAt,
          new ArrayList<>(entry.outcomes.keySet()))));
      for (OutboxRecord outcome : entry.outcomes.values()) {
        if (outcome != null) {
          live.add(sealed(outcome));
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

  private byte[] sealed(OutboxRecord record) {
    return seal.seal(OutboxRecord.encode(record));
  }

  /**
   * Replays the records read from the outbox into the in-memory state. A line whose MAC is missing
   * or wrong is not replayed: it is kept aside for {@link #quarantineRefused()}.
   *
   * @throws IllegalStateException if a line with a valid MAC is not a valid record
   */
  synchronized void replay(List<String> lines) {
    int n = 0;
    for (String line : lines) {
      n++;
      String json = seal.open(line);
      if (json == null) {
        refused.add(line);
        if (firstRefusal == null) {
          firstRefusal = "record " + n + " of " + outbox.directory() + (line.startsWith("m1:")
              ? " has a MAC that does not match its content" : " carries no MAC");
        }
        continue;
      }
      OutboxRecord record;
      try {
        record = OutboxRecord.decode(json);
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
        remember(new Completed(d.id(), d.confirmed(), d.failure(), d.at()));
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
        complete(entry);
      }
    }
  }

  /** A refusal found by {@link #replay}: where the lines went, how many, and the first problem. */
  record Refusal(Path quarantined, int lines, String problem) {}

  /**
   * Moves the lines {@link #replay} refused into the quarantine directory (durably, owner-only), so
   * that the next compaction drops them from the outbox; null if nothing was refused.
   *
   * @throws UncheckedIOException if the quarantine file cannot be written
   */
  synchronized @Nullable Refusal quarantineRefused() {
    if (refused.isEmpty()) {
      return null;
    }
    Path file = outbox.quarantine(refused, clock.instant());
    Refusal r = new Refusal(file, refused.size(), firstRefusal);
    refused.clear();
    firstRefusal = null;
    return r;
  }

  Path directory() {
    return outbox.directory();
  }

  synchronized long segmentCount() {
    return outbox.segmentCount();
  }

  synchronized long size() {
    return outbox.size();
  }
}

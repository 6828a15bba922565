package dev.breakglass.core.alert;

import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's channels by routing key, in configuration order: which of them an alert of a
 * given severity goes to, and their orderly shutdown (stop taking deliveries, let running ones
 * finish, close the channels). Immutable after construction; each route's executor is thread-safe.
 */
final class ChannelRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelRoutes.class);

  /** A channel as configured, before its threads exist. */
  record Spec(AlertChannel channel, Severity minimum, boolean confirms) {}

  private final Map<String, Route> byKey;

  private ChannelRoutes(Map<String, Route> byKey) {
    this.byKey = Collections.unmodifiableMap(byKey);
  }

  /** Starts a route (with {@code threadsPerChannel} delivery threads) for each spec, keeping their order. */
  static ChannelRoutes start(Map<String, Spec> specs, int threadsPerChannel) {
    Map<String, Route> routes = new LinkedHashMap<>();
    specs.forEach((key, spec) -> routes.put(key,
        new Route(key, spec.channel(), spec.minimum(), spec.confirms(), threadsPerChannel)));
    return new ChannelRoutes(routes);
  }

  /**
   * Checks a new routing key: 1-64 letters, digits, {@code - _ .}, not among {@code used}.
   *
   * @throws IllegalArgumentException naming the key and the rule it breaks
   */
  static void checkNewKey(String key, Set<String> used) {
    if (key == null || !key.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("alert channel key '" + key
          + "' must be 1-64 letters, digits, '-', '_' or '.'");
    }
    if (used.contains(key)) {
      throw new IllegalArgumentException("alert channel key '" + key + "' is used twice; give each channel its own key");
    }
  }

  /** The routes by key, in configuration order; unmodifiable. */
  Map<String, Route> byKey() {
    return byKey;
  }

  /** The keys of the channels that take alerts of {@code severity}: those whose minimum it reaches. */
  List<String> routedFor(Severity severity) {
    List<String> routed = new ArrayList<>();
    for (Route r : byKey.values()) {
      if (severity.compareTo(r.minimum) >= 0) {
        routed.add(r.key);
      }
    }
    return routed;
  }

  /**
   * Stops every route from taking new deliveries and waits up to {@code timeout} in total for the
   * running ones; those still running then are interrupted. Keeps the interrupt status of the caller.
   */
  void drain(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Route r : byKey.values()) {
      r.executor.shutdown();
    }
    for (Route r : byKey.values()) {
      try {
        if (!r.executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          r.executor.shutdownNow();
        }
      } catch (InterruptedException e) {
        r.executor.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Stops every route's threads at once (a dispatcher that failed to start). */
  void shutdownNow() {
    byKey.values().forEach(r -> r.executor.shutdownNow());
  }

  /** Closes every channel; a channel that fails to close is logged and the others still closed. */
  void closeChannels() {
    for (Route r : byKey.values()) {
      try {
        r.channel.close();
      } catch (RuntimeException e) {
        LOG.warn("closing alert channel '{}' failed: {}", r.key, e.toString());
      }
    }
  }

  /** {@code [key>=SEVERITY, other>=SEVERITY (unconfirmed)]}, for toString. */
  @Override
  public String toString() {
    StringJoiner j = new StringJoiner(", ", "[", "]");
    byKey.values().forEach(r -> j.add(r.key + ">=" + r.minimum + (r.confirms ? "" : " (unconfirmed)")));
    return j.toString();
  }
}

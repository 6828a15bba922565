package dev.breakglass.core.alert;

import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.Severity;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One configured channel: its routing key, minimum severity, and the threads that deliver to it. */
final class Route {
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

  /** The dispatcher's own scheduler (retries, confirmation timeouts) when the host gives none. */
  static ScheduledExecutorService scheduler() {
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemonThreads("breakglass-alert-scheduler"));
    s.setRemoveOnCancelPolicy(true);
    return s;
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}

package dev.breakglass.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Routing keys, which channels an alert of a severity reaches, and an orderly shutdown. */
class ChannelRoutesTest {
  final List<String> closed = new ArrayList<>();

  AlertChannel channel(String name, boolean failOnClose) {
    return new AlertChannel() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void deliver(Alert alert) {}

      @Override
      public void close() {
        closed.add(name);
        if (failOnClose) {
          throw new IllegalStateException("socket already gone");
        }
      }
    };
  }

  ChannelRoutes threeRoutes() {
    Map<String, ChannelRoutes.Spec> specs = new LinkedHashMap<>();
    specs.put("pager", new ChannelRoutes.Spec(channel("pager", false), Severity.CRITICAL, true));
    specs.put("chat", new ChannelRoutes.Spec(channel("chat", true), Severity.HIGH, false));
    specs.put("log", new ChannelRoutes.Spec(channel("log", false), Severity.INFO, true));
    return ChannelRoutes.start(specs, 1);
  }

  @Test
  void anAlertGoesToEveryChannelWhoseMinimumItReachesInConfigurationOrder() {
    ChannelRoutes routes = threeRoutes();
    try {
      assertThat(routes.routedFor(Severity.CRITICAL)).containsExactly("pager", "chat", "log");
      assertThat(routes.routedFor(Severity.HIGH)).containsExactly("chat", "log");
      assertThat(routes.routedFor(Severity.INFO)).containsExactly("log");
      assertThat(routes.byKey().keySet()).containsExactly("pager", "chat", "log");
      assertThat(routes).hasToString("[pager>=CRITICAL, chat>=HIGH (unconfirmed), log>=INFO]");
      assertThatThrownBy(() -> routes.byKey().clear()).isInstanceOf(UnsupportedOperationException.class);
    } finally {
      routes.shutdownNow();
    }
  }

  @Test
  void routingKeysAreShortPlainAndUnique() {
    ChannelRoutes.checkNewKey("a", Set.of());
    ChannelRoutes.checkNewKey("Ops.pager-2_b", Set.of("other"));
    ChannelRoutes.checkNewKey("k".repeat(64), Set.of());
    for (String bad : new String[] {"", "k".repeat(65), "a b", "a/b", "pägér", null}) {
      assertThatThrownBy(() -> ChannelRoutes.checkNewKey(bad, Set.of())).as(String.valueOf(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("alert channel key '" + bad + "' must be 1-64 letters, digits, '-', '_' or '.'");
    }
    assertThatThrownBy(() -> ChannelRoutes.checkNewKey("pager", Set.of("pager")))
        .hasMessage("alert channel key 'pager' is used twice; give each channel its own key");
  }

  @Test
  void closingClosesEveryChannelEvenAfterOneFails() {
    ChannelRoutes routes = threeRoutes();
    routes.shutdownNow();
    routes.closeChannels();
    assertThat(closed).containsExactly("pager", "chat", "log");
  }

  @Test
  void drainLetsQuickDeliveriesFinishAndInterruptsTheOnesStillRunningAtTheDeadline() throws Exception {
    ChannelRoutes routes = threeRoutes();
    AtomicBoolean quickDone = new AtomicBoolean();
    AtomicBoolean slowInterrupted = new AtomicBoolean();
    CountDownLatch slowStarted = new CountDownLatch(1);
    routes.byKey().get("log").executor.execute(() -> quickDone.set(true));
    routes.byKey().get("pager").executor.execute(() -> {
      slowStarted.countDown();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        slowInterrupted.set(true);
      }
    });
    assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
    routes.drain(Duration.ofMillis(200));
    assertThat(quickDone).isTrue();
    for (Route r : routes.byKey().values()) {
      assertThat(r.executor.awaitTermination(10, TimeUnit.SECONDS)).as(r.key).isTrue();
    }
    assertThat(slowInterrupted).isTrue();
    assertThatThrownBy(() -> routes.byKey().get("log").executor.execute(() -> { }))
        .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
  }

  @Test
  void anInterruptedCallerStopsWaitingKeepsItsInterruptAndStopsEveryRoute() throws Exception {
    ChannelRoutes routes = threeRoutes();
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    routes.byKey().get("chat").executor.execute(() -> {
      started.countDown();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        interrupted.set(true);
      }
    });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.currentThread().interrupt();
    routes.drain(Duration.ofSeconds(60));
    assertThat(Thread.interrupted()).as("the caller's interrupt is kept").isTrue();
    assertThat(routes.byKey().get("chat").executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(interrupted).isTrue();
  }

  @Test
  void deliveryThreadsAreDaemonsNamedAfterTheirRoute() throws Exception {
    ChannelRoutes routes = threeRoutes();
    try {
      List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      CountDownLatch done = new CountDownLatch(1);
      routes.byKey().get("chat").executor.execute(() -> {
        seen.add(Thread.currentThread().getName() + " " + Thread.currentThread().isDaemon());
        done.countDown();
      });
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(seen).containsExactly("breakglass-alert-chat-1 true");
    } finally {
      routes.shutdownNow();
    }
  }
}

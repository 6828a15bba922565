package dev.breakglass.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every builder setting is checked at its limit, and a built dispatcher describes itself. */
class OutboxDispatcherBuilderTest {
  @TempDir Path dir;
  final List<Alert> delivered = new CopyOnWriteArrayList<>();

  AlertChannel channel(String name) {
    return new AlertChannel() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void deliver(Alert alert) {
        delivered.add(alert);
      }
    };
  }

  OutboxAlertDispatcher.Builder builder() {
    return OutboxAlertDispatcher.builder(dir.resolve("outbox"));
  }

  @Test
  void everyLimitIsAcceptedAndTheValueJustPastItRefusedByName() {
    OutboxAlertDispatcher.Builder b = builder();
    b.maxAttempts(1).maxCompletedIds(1).compactionThreshold(1).threadsPerChannel(1).jitter(0).jitter(1)
        .closeTimeout(Duration.ZERO).backoff(Duration.ofMillis(5), Duration.ofMillis(5));
    assertThatThrownBy(() -> b.maxAttempts(0)).hasMessage("maxAttempts must be at least 1, was 0");
    assertThatThrownBy(() -> b.maxCompletedIds(0)).hasMessage("maxCompletedIds must be at least 1, was 0");
    assertThatThrownBy(() -> b.compactionThreshold(0)).hasMessage("compactionThreshold must be positive, was 0");
    assertThatThrownBy(() -> b.threadsPerChannel(0)).hasMessage("threadsPerChannel must be at least 1, was 0");
    assertThatThrownBy(() -> b.jitter(-0.001)).hasMessage("jitter must be between 0 and 1, was -0.001");
    assertThatThrownBy(() -> b.jitter(1.001)).hasMessage("jitter must be between 0 and 1, was 1.001");
    assertThatThrownBy(() -> b.jitter(Double.NaN)).hasMessage("jitter must be between 0 and 1, was NaN");
    assertThatThrownBy(() -> b.closeTimeout(Duration.ofMillis(-1)))
        .hasMessage("closeTimeout must not be negative, was PT-0.001S");
    assertThatThrownBy(() -> b.closeTimeout(null)).hasMessage("closeTimeout must not be negative, was null");
    assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("initial backoff PT2S exceeds max backoff PT1S");
    assertThatThrownBy(() -> b.backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessage("initial backoff must be positive, was PT0S");
    assertThatThrownBy(() -> b.giveUpAfter(Duration.ZERO)).hasMessage("giveUpAfter must be positive, was PT0S");
    assertThatThrownBy(() -> b.confirmationTimeout(Duration.ofSeconds(-1)))
        .hasMessage("confirmationTimeout must be positive, was PT-1S");
    assertThatThrownBy(() -> b.completedRetention(null)).hasMessage("completedRetention must be positive, was null");
  }

  @Test
  void aDispatcherNeedsAChannelAndIsBuiltOnce() {
    assertThatThrownBy(() -> builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("an alert dispatcher needs at least one channel");
    OutboxAlertDispatcher.Builder b = builder().channel("ops", channel("ops"), Severity.INFO);
    try (OutboxAlertDispatcher d = b.build()) {
      assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessage("build() was already called");
      assertThat(d.channelKeys()).containsExactly("ops");
    }
  }

  @Test
  void aBuiltDispatcherDescribesItsOutboxAndChannels() throws Exception {
    try (OutboxAlertDispatcher d = builder().channel("pager", channel("pager"), Severity.CRITICAL)
        .channel("chat", channel("chat"), Severity.INFO, false).build()) {
      assertThat(d.outboxDirectory()).isEqualTo(dir.resolve("outbox"));
      assertThat(d.channelKeys()).containsExactly("pager", "chat");
      assertThat(d).hasToString("OutboxAlertDispatcher[outbox=" + dir.resolve("outbox")
          + ", channels=[pager>=CRITICAL, chat>=INFO (unconfirmed)]]");
      long empty = d.outboxSize();
      d.dispatch(new Alert("a-1", Instant.parse("2026-03-01T12:00:00Z"), Severity.CRITICAL,
          AuditEventType.ACCESS_REQUESTED, "alice requested db-root", "g1", "db-root", Map.of()))
          .get(10, TimeUnit.SECONDS);
      assertThat(d.outboxSize()).isGreaterThan(empty);
      // The returned future completes with the confirming channel; the unconfirmed one may still be busy.
      for (int i = 0; i < 1000 && delivered.size() < 2; i++) {
        Thread.sleep(10);
      }
      assertThat(delivered).extracting(Alert::id).containsExactly("a-1", "a-1");
    }
  }
}

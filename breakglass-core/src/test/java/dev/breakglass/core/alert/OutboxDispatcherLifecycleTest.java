package dev.breakglass.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing a dispatcher, or failing to build one, leaves no channel, file or thread behind. */
class OutboxDispatcherLifecycleTest {
  @TempDir Path dir;
  final AtomicInteger closes = new AtomicInteger();

  AlertChannel channel() {
    return new AlertChannel() {
      @Override
      public String name() {
        return "ops";
      }

      @Override
      public void deliver(Alert alert) {}

      @Override
      public void close() {
        closes.incrementAndGet();
      }
    };
  }


  static boolean threadAlive(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(prefix) && t.isAlive());
  }

  @Test
  void closingClosesEveryChannelOnceReleasesTheOutboxAndLeavesTheHostsSchedulerRunning() throws IOException {
    Path outbox = dir.resolve("outbox");
    ScheduledExecutorService hosts = Executors.newSingleThreadScheduledExecutor();
    try {
      OutboxAlertDispatcher d = OutboxAlertDispatcher.builder(outbox).scheduler(hosts)
          .channel("lifecycle-close", channel(), Severity.INFO).build();
      assertThat(dev.breakglass.core.OpenFiles.under(outbox)).isPositive();
      d.close();
      d.close();
      assertThat(closes).hasValue(1);
      assertThat(dev.breakglass.core.OpenFiles.under(outbox)).isZero();
      assertThat(hosts.isShutdown()).as("the host's scheduler is the host's to stop").isFalse();
    } finally {
      hosts.shutdownNow();
    }
  }

  @Test
  void aBuildThatFailsOnAnUnreadableRecordLeavesNothingOpenOrRunning() throws IOException {
    Path outbox = Files.createDirectories(dir.resolve("outbox"));
    Path keyFile = dir.resolve("keys").resolve(OutboxSeal.KEY_FILE);
    OutboxSeal seal = OutboxSeal.loadOrCreate(keyFile);
    byte[] line = seal.seal("{\"op\":\"nonsense\"}".getBytes(StandardCharsets.UTF_8));
    Files.write(outbox.resolve("alerts-000001.jsonl"), (new String(line, StandardCharsets.UTF_8) + "\n")
        .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> OutboxAlertDispatcher.builder(outbox).outboxKeyFile(keyFile)
        .channel("lifecycle-failed", channel(), Severity.INFO).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("alert outbox " + outbox + ": record 1 is not valid");
    assertThat(dev.breakglass.core.OpenFiles.under(outbox)).isZero();
    for (int i = 0; i < 500 && threadAlive("breakglass-alert-lifecycle-failed"); i++) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    assertThat(threadAlive("breakglass-alert-lifecycle-failed")).as("the channel's threads are stopped").isFalse();
  }

  @Test
  void theFirstRefusedLineIsNamedWithWhatIsWrongWithIt() throws IOException {
    Path outbox = Files.createDirectories(dir.resolve("outbox"));
    Path keyFile = dir.resolve("keys").resolve(OutboxSeal.KEY_FILE);
    OutboxSeal.loadOrCreate(keyFile);
    String forged = "m1:" + "A".repeat(43) + "= {\"op\":\"done\",\"id\":\"x\",\"confirmed\":true,\"at\":"
        + "\"2026-03-01T12:00:00Z\"}";
    String bare = "{\"op\":\"done\",\"id\":\"y\",\"confirmed\":true,\"at\":\"2026-03-01T12:00:00Z\"}";
    Files.writeString(outbox.resolve("alerts-000001.jsonl"), forged + "\n" + bare + "\n");
    java.util.List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    AlertDeliveryListener listener = new AlertDeliveryListener() {
      @Override
      public void outboxTampered(Path quarantined, int lines, String problem) {
        told.add(lines + " " + problem);
      }
    };
    try (OutboxAlertDispatcher d = OutboxAlertDispatcher.builder(outbox).outboxKeyFile(keyFile).listener(listener)
        .channel("lifecycle-refused", channel(), Severity.INFO).build()) {
      assertThat(told).containsExactly("2 record 1 of " + outbox + " has a MAC that does not match its content");
    }

    Files.walk(outbox).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    Files.createDirectories(outbox);
    Files.writeString(outbox.resolve("alerts-000001.jsonl"), bare + "\n" + forged + "\n");
    told.clear();
    try (OutboxAlertDispatcher d = OutboxAlertDispatcher.builder(outbox).outboxKeyFile(keyFile).listener(listener)
        .channel("lifecycle-refused", channel(), Severity.INFO).build()) {
      assertThat(told).containsExactly("2 record 1 of " + outbox + " carries no MAC");
    }
  }
}

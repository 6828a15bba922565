package dev.breakglass.core.alert;

import static dev.breakglass.core.alert.channel.TestSupport.alert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEventType;
import dev.breakglass.core.alert.channel.TestSupport.RecordingScheduler;
import dev.breakglass.core.alert.channel.WebhookAlertChannel;
import dev.breakglass.core.alert.channel.WebhookReceiver;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.Severity;
import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbox lines are authenticated: a line written into the outbox by someone without the outbox key
 * (injected, altered, or an unauthenticated line of an older version) is never delivered after a
 * restart; it is moved to {@code quarantine/}, reported to the listener and raised as a CRITICAL
 * alert. Real webhook receiver on loopback, real files, real restarts.
 */
class OutboxTamperTest {
  @TempDir Path dir;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final RecordingScheduler scheduler = new RecordingScheduler();
  private final TamperListener listener = new TamperListener();

  /** Records tampering reports. */
  static final class TamperListener implements AlertDeliveryListener {
    record Report(Path quarantined, int lines, String problem) {}

    final List<Report> reports = new CopyOnWriteArrayList<>();

    @Override
    public void outboxTampered(Path quarantined, int lines, String problem) {
      reports.add(new Report(quarantined, lines, problem));
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    scheduler.shutdownNow();
  }

  private Path outbox() {
    return dir.resolve("data").resolve("alert-outbox");
  }

  private OutboxAlertDispatcher open(WebhookReceiver receiver) {
    OutboxAlertDispatcher d = OutboxAlertDispatcher.builder(outbox())
        .scheduler(scheduler)
        .listener(listener)
        .backoff(Duration.ofMillis(5), Duration.ofMillis(50))
        .maxAttempts(10_000)
        .confirmationTimeout(Duration.ofHours(1))
        .channel("hook", WebhookAlertChannel.builder(receiver.uri()).timeout(Duration.ofSeconds(10)).build(),
            Severity.INFO)
        .build();
    toClose.add(d);
    return d;
  }

  private WebhookReceiver receiver(boolean up) throws IOException {
    WebhookReceiver r = up ? WebhookReceiver.start() : WebhookReceiver.down();
    toClose.add(r);
    return r;
  }

  private Path segment() throws IOException {
    try (Stream<Path> files = Files.list(outbox())) {
      return files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().reduce((a, b) -> b)
          .orElseThrow();
    }
  }

  /** An alert record as valid JSON, exactly as the dispatcher would write it, but without a MAC. */
  private static String forgedJson(Alert forged) {
    return new String(OutboxRecord.encode(new OutboxRecord.Accepted(forged,
        Instant.parse("2026-03-01T10:15:31Z"), List.of("hook"))), StandardCharsets.UTF_8);
  }

  private static Alert forgedAlert() {
    return new Alert("forged-1", Instant.parse("2026-03-01T10:15:30Z"), Severity.INFO, AuditEventType.GRANT_CLOSED,
        "all clear, nothing to see", null, null, Map.of());
  }

  private static List<String> deliveredIds(WebhookReceiver receiver) {
    return receiver.accepted().stream().map(r -> r.header(WebhookAlertChannel.ALERT_ID_HEADER)).toList();
  }

  private static List<String> deliveredBodies(WebhookReceiver receiver) {
    return receiver.accepted().stream().map(WebhookReceiver.Request::bodyText).toList();
  }

  /** Starts once (so the outbox and its key exist), leaves one genuine alert pending, stops. */
  private Alert pendingGenuineAlert() throws Exception {
    WebhookReceiver down = receiver(false);
    OutboxAlertDispatcher first = open(down);
    Alert genuine = alert(Severity.HIGH);
    first.dispatch(genuine);
    scheduler.awaitDelays(1, Duration.ofHours(1));
    first.close();
    return genuine;
  }

  private void awaitTamperAlert(WebhookReceiver receiver) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      for (String body : deliveredBodies(receiver)) {
        if (body.contains(AuditEventType.ALERT_OUTBOX_TAMPERED.name())) {
          assertThat(body).contains("CRITICAL");
          return;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no ALERT_OUTBOX_TAMPERED alert reached the receiver; got " + deliveredBodies(receiver));
  }

  private void assertQuarantined(String expectedLine) throws IOException {
    Path quarantine = outbox().resolve("quarantine");
    List<Path> files;
    try (Stream<Path> s = Files.list(quarantine)) {
      files = s.toList();
    }
    assertThat(files).hasSize(1);
    assertThat(Files.readString(files.get(0))).contains(expectedLine);
    if (DurableFiles.isPosix(files.get(0))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0)))).isEqualTo("rw-------");
    }
    assertThat(listener.reports).singleElement().satisfies(r -> {
      assertThat(r.quarantined()).isEqualTo(files.get(0));
      assertThat(r.lines()).isEqualTo(1);
    });
    // the refused line is gone from the outbox itself, so the next start does not report it again
    try (Stream<Path> s = Files.list(outbox())) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(p)).doesNotContain(expectedLine);
      }
    }
  }

  @Test
  void outboxLinesCarryAMacAndTheKeyIsOwnerOnlyInKeys() throws Exception {
    pendingGenuineAlert();
    String text = Files.readString(segment());
    assertThat(text.lines()).isNotEmpty().allSatisfy(line -> assertThat(line).matches("m1:[A-Za-z0-9+/=]{44} \\{.*"));
    Path key = dir.resolve("data").resolve("keys").resolve("alert-outbox.key");
    assertThat(key).exists();
    if (DurableFiles.isPosix(key)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }
  }

  /**
   * Appends {@code injected} to the outbox of a stopped dispatcher with one genuine alert pending,
   * restarts, and checks the genuine alert is delivered, the injected one is not, and it is quarantined.
   */
  private void injectedLineIsRefusedAtRestart(String injected) throws Exception {
    Alert genuine = pendingGenuineAlert();
    Files.writeString(segment(), injected + "\n", StandardOpenOption.APPEND);

    WebhookReceiver up = receiver(true);
    open(up);
    awaitTamperAlert(up);
    up.await(2);
    assertThat(deliveredIds(up)).contains(genuine.id()).doesNotContain("forged-1");
    assertThat(deliveredBodies(up)).noneMatch(b -> b.contains("all clear, nothing to see"));
    assertQuarantined(injected);
  }

  @Test
  void injectedLineWithoutMacIsRefusedQuarantinedAndAlertedNeverDelivered() throws Exception {
    injectedLineIsRefusedAtRestart(forgedJson(forgedAlert()));
  }

  @Test
  void injectedLineWithAWrongMacIsRefused() throws Exception {
    injectedLineIsRefusedAtRestart("m1:" + "A".repeat(43) + "= " + forgedJson(forgedAlert()));
  }

  @Test
  void flippingOneByteOfAGenuineLineRefusesIt() throws Exception {
    Alert genuine = pendingGenuineAlert();
    Path segment = segment();
    String text = Files.readString(segment);
    String line = text.lines().filter(l -> l.contains(genuine.id())).findFirst().orElseThrow();
    String altered = line.replace("Grant issued to alice", "Grant issued to alicf");
    assertThat(altered).isNotEqualTo(line);
    Files.writeString(segment, text.replace(line, altered));

    WebhookReceiver up = receiver(true);
    open(up);
    awaitTamperAlert(up);
    assertThat(deliveredIds(up)).doesNotContain(genuine.id());
    assertThat(deliveredBodies(up)).noneMatch(b -> b.contains("alicf"));
    assertQuarantined(altered);
  }

  @Test
  void genuineLinesAreStillDeliveredAfterRestartWithoutATamperReport() throws Exception {
    Alert genuine = pendingGenuineAlert();
    WebhookReceiver up = receiver(true);
    open(up);
    up.await(1);
    assertThat(deliveredIds(up)).containsExactly(genuine.id());
    assertThat(listener.reports).isEmpty();
    assertThat(outbox().resolve("quarantine")).doesNotExist();
  }
}

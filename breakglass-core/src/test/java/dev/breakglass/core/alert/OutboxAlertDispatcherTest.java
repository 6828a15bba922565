package dev.breakglass.core.alert;

import static dev.breakglass.core.alert.channel.TestSupport.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.BreakGlassException;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.alert.channel.TestSupport.RecordingListener;
import dev.breakglass.core.alert.channel.TestSupport.RecordingScheduler;
import dev.breakglass.core.alert.channel.CapturingLogger;
import dev.breakglass.core.alert.channel.Slf4jAlertChannel;
import dev.breakglass.core.alert.channel.TestSupport;
import dev.breakglass.core.alert.channel.WebhookAlertChannel;
import dev.breakglass.core.alert.channel.WebhookReceiver;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertDeliveryException;
import dev.breakglass.spi.Severity;
import dev.breakglass.tck.fixtures.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OutboxAlertDispatcher} against real webhook receivers on loopback, a real outbox on disk,
 * and restarts (a dispatcher closed and a new one opened on the same directory).
 */
class OutboxAlertDispatcherTest {
  private static final Duration NEVER = Duration.ofHours(1);
  private static final long WAIT = 20;

  @TempDir Path dir;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final RecordingScheduler scheduler = new RecordingScheduler();
  private final RecordingListener listener = new RecordingListener();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    scheduler.shutdownNow();
  }

  private WebhookReceiver receiverUp() throws IOException {
    WebhookReceiver r = WebhookReceiver.start();
    toClose.add(r);
    return r;
  }

  private WebhookReceiver receiverDown() throws IOException {
    WebhookReceiver r = WebhookReceiver.down();
    toClose.add(r);
    return r;
  }

  private static WebhookAlertChannel webhook(WebhookReceiver r, Duration timeout) {
    return WebhookAlertChannel.builder(r.uri()).timeout(timeout).build();
  }

  private static WebhookAlertChannel webhook(WebhookReceiver r) {
    return webhook(r, Duration.ofSeconds(10));
  }

  /** A dispatcher with fast retries, the recording scheduler and listener. */
  private OutboxAlertDispatcher.Builder fast() {
    return OutboxAlertDispatcher.builder(dir.resolve("outbox"))
        .scheduler(scheduler)
        .listener(listener)
        .backoff(Duration.ofMillis(5), Duration.ofMillis(50))
        .maxAttempts(10_000)
        .confirmationTimeout(NEVER);
  }

  private OutboxAlertDispatcher open(OutboxAlertDispatcher.Builder b) {
    OutboxAlertDispatcher d = b.build();
    toClose.add(d);
    return d;
  }

  private static Map<String, Long> countById(List<WebhookReceiver.Request> requests) {
    return requests.stream().collect(Collectors.groupingBy(r -> r.header(WebhookAlertChannel.ALERT_ID_HEADER),
        Collectors.counting()));
  }

  private static String outboxText(Path outbox) throws IOException {
    try (Stream<Path> files = Files.list(outbox)) {
      StringBuilder sb = new StringBuilder();
      for (Path f : files.sorted().toList()) {
        sb.append(Files.readString(f, StandardCharsets.UTF_8));
      }
      return sb.toString();
    }
  }

  @Test
  void alertIsInTheOutboxBeforeAnyChannelIsTried() throws Exception {
    Path outbox = dir.resolve("outbox");
    List<Boolean> seenInOutbox = new CopyOnWriteArrayList<>();
    AlertChannel checking = new AlertChannel() {
      @Override
      public String name() {
        return "checking";
      }

      @Override
      public void deliver(Alert alert) {
        try {
          seenInOutbox.add(outboxText(outbox).contains("\"id\":\"" + alert.id() + "\""));
        } catch (IOException e) {
          throw new AlertDeliveryException("cannot read outbox", false, e);
        }
      }
    };
    OutboxAlertDispatcher d = open(fast().channel(checking, Severity.INFO));
    Alert a = alert(Severity.HIGH);
    d.dispatch(a).get(WAIT, TimeUnit.SECONDS);
    assertThat(seenInOutbox).containsExactly(true);
  }

  @Test
  void receiverDownThenBackGetsEveryAlertExactlyOncePerIdempotencyKey() throws Exception {
    WebhookReceiver receiver = receiverDown();
    OutboxAlertDispatcher d = open(fast().channel(webhook(receiver), Severity.INFO));
    List<Alert> alerts = new ArrayList<>();
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Alert a = alert(Severity.HIGH);
      alerts.add(a);
      futures.add(d.dispatch(a));
    }
    // down: connections refused, retries scheduled
    assertThat(scheduler.awaitDelays(20, NEVER)).isGreaterThanOrEqualTo(20);
    assertThat(futures).noneMatch(CompletableFuture::isDone);
    // back, but failing the first requests with 503 before it recovers
    receiver.answer(n -> n <= 5 ? 503 : 200);
    receiver.up();
    for (CompletableFuture<Void> f : futures) {
      f.get(WAIT, TimeUnit.SECONDS);
    }
    assertThat(listener.await("delivered", 10)).hasSize(10);
    Map<String, Long> accepted = countById(receiver.accepted());
    assertThat(accepted.keySet()).containsExactlyInAnyOrderElementsOf(alerts.stream().map(Alert::id).toList());
    assertThat(accepted.values()).allMatch(n -> n == 1);
    assertThat(receiver.requests()).allSatisfy(r -> {
      assertThat(r.header("Idempotency-Key")).isEqualTo(r.header(WebhookAlertChannel.ALERT_ID_HEADER));
      assertThat(r.bodyText()).contains("\"id\":\"" + r.header("Idempotency-Key") + "\"");
    });
    assertThat(d.pendingCount()).isZero();
  }

  @Test
  void serverErrorsAreRetriedWithExponentialBackoff() throws Exception {
    WebhookReceiver receiver = receiverUp();
    receiver.answer(n -> n <= 4 ? 500 : 200);
    OutboxAlertDispatcher d = open(fast()
        .backoff(Duration.ofMillis(10), Duration.ofMillis(1000))
        .jitter(0.5)
        .random(TestSupport.fixedRandom(0.5))
        .channel(webhook(receiver), Severity.INFO));
    Alert a = alert(Severity.CRITICAL);
    d.dispatch(a).get(WAIT, TimeUnit.SECONDS);
    // 10 ms doubling, each cut by jitter 0.5 x random 0.5 = 25 %
    assertThat(scheduler.delays(NEVER)).containsExactly(Duration.ofMillis(10).multipliedBy(3).dividedBy(4),
        Duration.ofMillis(15), Duration.ofMillis(30), Duration.ofMillis(60));
    assertThat(receiver.requests()).hasSize(5)
        .allMatch(r -> r.header(WebhookAlertChannel.ALERT_ID_HEADER).equals(a.id()));
    assertThat(listener.await("delivered", 1)).singleElement()
        .satisfies(e -> assertThat(e.attempts()).isEqualTo(5));
  }

  @Test
  void backoffDoublesUpToItsCapAndJitterOnlyShortensIt() {
    OutboxAlertDispatcher none = open(fast().backoff(Duration.ofSeconds(1), Duration.ofSeconds(30))
        .random(TestSupport.fixedRandom(0.0)).channel(new Slf4jAlertChannel(), Severity.INFO));
    assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 40).stream().map(none::backoff).toList()).containsExactly(
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
        Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
    none.close();
    OutboxAlertDispatcher full = OutboxAlertDispatcher.builder(dir.resolve("other"))
        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)).jitter(0.5)
        .random(TestSupport.fixedRandom(0.999_999)).channel(new Slf4jAlertChannel(), Severity.INFO).build();
    toClose.add(full);
    assertThat(full.backoff(3)).isGreaterThan(Duration.ofSeconds(2)).isLessThanOrEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void hungReceiverBlocksNeitherTheCallerNorOtherChannels() throws Exception {
    WebhookReceiver hung = receiverUp();
    hung.hang();
    WebhookReceiver healthy = receiverUp();
    OutboxAlertDispatcher d = open(fast()
        .channel("hung", webhook(hung), Severity.INFO)
        .channel("healthy", webhook(healthy), Severity.INFO));
    Alert a = alert(Severity.HIGH);
    CompletableFuture<Void> f = d.dispatch(a);
    f.get(WAIT, TimeUnit.SECONDS);
    assertThat(healthy.accepted()).singleElement()
        .satisfies(r -> assertThat(r.header(WebhookAlertChannel.ALERT_ID_HEADER)).isEqualTo(a.id()));
    assertThat(hung.awaitArrivals(1)).isEqualTo(1);
    assertThat(hung.requests()).as("hung receiver has answered nothing yet").isEmpty();
    hung.release();
    assertThat(listener.await("delivered", 2)).extracting(RecordingListener.Event::channel)
        .containsExactlyInAnyOrder("hung", "healthy");
  }

  @Test
  void hungReceiverTimesOutTheFutureWhileDeliveryIsRetried() throws Exception {
    WebhookReceiver hung = receiverUp();
    hung.hang();
    OutboxAlertDispatcher d = open(fast()
        .confirmationTimeout(Duration.ofMillis(300))
        .channel(webhook(hung, Duration.ofMillis(200)), Severity.INFO));
    Alert a = alert(Severity.CRITICAL);
    CompletableFuture<Void> f = d.dispatch(a);
    assertThat(f).as("dispatch returns before the receiver answers").isNotDone();
    assertThatThrownBy(() -> f.get(WAIT, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(AlertDeliveryException.class)
        .hasMessageContaining(a.id())
        .hasCauseInstanceOf(TimeoutException.class);
    // the request timed out on the channel and was sent again with the same idempotency key
    assertThat(hung.awaitArrivals(2)).isGreaterThanOrEqualTo(2);
    assertThat(d.pendingCount()).isEqualTo(1);
    hung.release();
    assertThat(listener.await("delivered", 1)).hasSize(1);
    assertThat(hung.accepted()).extracting(r -> r.header(WebhookAlertChannel.ALERT_ID_HEADER)).containsOnly(a.id());
    // dispatching it again reports the confirmed delivery
    assertThat(d.dispatch(a)).succeedsWithin(Duration.ofSeconds(WAIT));
  }

  @Test
  void undeliveredAlertsAreSentAfterRestart() throws Exception {
    WebhookReceiver receiver = receiverDown();
    OutboxAlertDispatcher first = fast().channel("hook", webhook(receiver), Severity.INFO).build();
    List<Alert> alerts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Alert a = alert(Severity.HIGH);
      alerts.add(a);
      first.dispatch(a);
    }
    scheduler.awaitDelays(5, NEVER);
    assertThat(first.pendingCount()).isEqualTo(5);
    first.close();

    receiver.up();
    OutboxAlertDispatcher second = open(fast().channel("hook", webhook(receiver), Severity.INFO));
    assertThat(listener.await("delivered", 5)).extracting(RecordingListener.Event::alertId)
        .containsExactlyInAnyOrderElementsOf(alerts.stream().map(Alert::id).toList());
    Map<String, Long> accepted = countById(receiver.accepted());
    assertThat(accepted).hasSize(5).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    // the engine may dispatch the same alert again after a restart: nothing is sent twice
    assertThat(second.dispatch(alerts.get(0))).succeedsWithin(Duration.ofSeconds(WAIT));
    assertThat(receiver.accepted()).hasSize(5);
  }

  @Test
  void completedAlertsAreNotResentAfterRestart() throws Exception {
    WebhookReceiver receiver = receiverUp();
    OutboxAlertDispatcher first = fast().channel("hook", webhook(receiver), Severity.INFO).build();
    Alert a = alert(Severity.HIGH);
    first.dispatch(a).get(WAIT, TimeUnit.SECONDS);
    listener.await("delivered", 1);
    first.close();
    OutboxAlertDispatcher second = open(fast().channel("hook", webhook(receiver), Severity.INFO));
    assertThat(second.pendingCount()).isZero();
    assertThat(second.dispatch(a)).succeedsWithin(Duration.ofSeconds(WAIT));
    assertThat(receiver.requests()).hasSize(1);
  }

  @Test
  void futureStaysIncompleteWhileEveryChannelIsDownAndCompletesWhenOneRecovers() throws Exception {
    WebhookReceiver one = receiverDown();
    WebhookReceiver two = receiverDown();
    OutboxAlertDispatcher d = open(fast()
        .channel("one", webhook(one), Severity.INFO)
        .channel("two", webhook(two), Severity.INFO));
    CompletableFuture<Void> f = d.dispatch(alert(Severity.HIGH));
    assertThat(scheduler.awaitDelays(10, NEVER)).isGreaterThanOrEqualTo(10);
    assertThat(f).as("no channel has confirmed").isNotDone();
    two.up();
    assertThat(f).succeedsWithin(Duration.ofSeconds(WAIT));
    assertThat(two.accepted()).hasSize(1);
  }

  @Test
  void notRetryableAnswerFailsAtOnceAndIsReported() throws Exception {
    WebhookReceiver receiver = receiverUp();
    receiver.answer(n -> 400);
    OutboxAlertDispatcher d = open(fast().channel("hook", webhook(receiver), Severity.INFO));
    Alert a = alert(Severity.CRITICAL);
    assertThatThrownBy(() -> d.dispatch(a).get(WAIT, TimeUnit.SECONDS))
        .cause().isInstanceOf(AlertDeliveryException.class).hasMessageContaining("HTTP 400");
    assertThat(listener.await("failed", 1)).singleElement().satisfies(e -> {
      assertThat(e.alertId()).isEqualTo(a.id());
      assertThat(e.channel()).isEqualTo("hook");
      assertThat(e.attempts()).isEqualTo(1);
      assertThat(e.reason()).contains("HTTP 400").contains("not retryable");
    });
    assertThat(receiver.requests()).hasSize(1);
    assertThat(outboxText(dir.resolve("outbox"))).contains("\"op\":\"failed\"");
  }

  @Test
  void attemptsRunOutThenEveryChannelHasFailed() throws Exception {
    WebhookReceiver a = receiverUp();
    a.answer(n -> 503);
    WebhookReceiver b = receiverDown();
    OutboxAlertDispatcher d = open(fast().maxAttempts(3)
        .channel("a", webhook(a), Severity.INFO)
        .channel("b", webhook(b), Severity.INFO));
    CompletableFuture<Void> f = d.dispatch(alert(Severity.HIGH));
    assertThatThrownBy(() -> f.get(WAIT, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AlertDeliveryException.class)
        .hasMessageContaining("a: ").hasMessageContaining("b: ");
    assertThat(listener.await("failed", 2)).allSatisfy(e -> assertThat(e.attempts()).isEqualTo(3));
    assertThat(a.requests()).hasSize(3);
    assertThat(d.pendingCount()).isZero();
  }

  @Test
  void channelsGetOnlyTheSeveritiesRoutedToThem() throws Exception {
    WebhookReceiver all = receiverUp();
    WebhookReceiver urgent = receiverUp();
    OutboxAlertDispatcher d = open(fast()
        .channel("all", webhook(all), Severity.INFO)
        .channel("urgent", webhook(urgent), Severity.HIGH));
    Alert info = alert(Severity.INFO);
    Alert high = alert(Severity.HIGH);
    Alert critical = alert(Severity.CRITICAL);
    for (Alert a : List.of(info, high, critical)) {
      d.dispatch(a).get(WAIT, TimeUnit.SECONDS);
    }
    assertThat(listener.await("delivered", 5)).hasSize(5);
    assertThat(countById(all.accepted()).keySet()).containsExactlyInAnyOrder(info.id(), high.id(), critical.id());
    assertThat(countById(urgent.accepted()).keySet()).containsExactlyInAnyOrder(high.id(), critical.id());
  }

  @Test
  void dispatchingOneIdTwiceDeliversItOnce() throws Exception {
    WebhookReceiver receiver = receiverUp();
    receiver.hang();
    OutboxAlertDispatcher d = open(fast().channel(webhook(receiver), Severity.INFO));
    Alert a = alert(Severity.HIGH);
    CompletableFuture<Void> first = d.dispatch(a);
    CompletableFuture<Void> second = d.dispatch(a);
    receiver.release();
    assertThat(first).succeedsWithin(Duration.ofSeconds(WAIT));
    assertThat(second).succeedsWithin(Duration.ofSeconds(WAIT));
    assertThat(d.dispatch(a)).isDone();
    assertThat(receiver.requests()).hasSize(1);
    assertThat(outboxText(dir.resolve("outbox")).lines().filter(l -> l.contains("\"op\":\"alert\""))).hasSize(1);
  }

  @Test
  void compactionKeepsTheOutboxBounded() throws Exception {
    WebhookReceiver receiver = receiverUp();
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    OutboxAlertDispatcher d = open(fast().clock(clock)
        .compactionThreshold(8 * 1024)
        .completedRetention(Duration.ofMinutes(10))
        .channel(webhook(receiver), Severity.INFO));
    List<Alert> alerts = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Alert a = alert(Severity.INFO);
      alerts.add(a);
      d.dispatch(a).get(WAIT, TimeUnit.SECONDS);
      clock.advance(Duration.ofMinutes(1));
    }
    listener.await("delivered", 300);
    // without compaction 300 alerts take ~150 KiB; with it the file stays near the threshold
    assertThat(d.outboxSize()).isLessThan(16 * 1024);
    assertThat(d.segmentCount()).isEqualTo(1);
    d.close();
    // ids older than the retention are forgotten; recent ones are still known after a restart
    OutboxAlertDispatcher reopened = open(fast().clock(clock).completedRetention(Duration.ofMinutes(10))
        .channel(webhook(receiver), Severity.INFO));
    assertThat(reopened.dispatch(alerts.get(299))).succeedsWithin(Duration.ofSeconds(WAIT));
    assertThat(receiver.requests()).hasSize(300);
    reopened.dispatch(alerts.get(0)).get(WAIT, TimeUnit.SECONDS);
    assertThat(receiver.requests()).hasSize(301);
  }

  @Test
  void completedIdsAreBoundedByCountInAnAlertStormAndAfterRestart() throws Exception {
    WebhookReceiver receiver = receiverUp();
    OutboxAlertDispatcher d = open(fast().maxCompletedIds(50).channel(webhook(receiver), Severity.INFO));
    List<Alert> alerts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Alert a = alert(Severity.INFO);
      alerts.add(a);
      d.dispatch(a).get(WAIT, TimeUnit.SECONDS);
    }
    listener.await("delivered", 200);
    // all within the retention age: only the count bounds what is remembered
    assertThat(d.completedCount()).isEqualTo(50);
    assertThat(d.dispatch(alerts.get(199))).succeedsWithin(Duration.ofSeconds(WAIT));
    assertThat(receiver.requests()).hasSize(200);
    d.close();

    OutboxAlertDispatcher reopened = open(fast().maxCompletedIds(50).channel(webhook(receiver), Severity.INFO));
    assertThat(reopened.completedCount()).isEqualTo(50);
    assertThat(reopened.dispatch(alerts.get(150))).succeedsWithin(Duration.ofSeconds(WAIT));
    assertThat(receiver.requests()).as("the newest 50 are still known").hasSize(200);
    reopened.dispatch(alerts.get(0)).get(WAIT, TimeUnit.SECONDS);
    assertThat(receiver.requests()).as("the oldest was forgotten and is sent again").hasSize(201);
  }

  @Test
  void recordCutShortByACrashIsIgnoredOnOpen() throws Exception {
    WebhookReceiver receiver = receiverDown();
    OutboxAlertDispatcher first = fast().channel("hook", webhook(receiver), Severity.INFO).build();
    Alert a = alert(Severity.HIGH);
    first.dispatch(a);
    first.close();
    Path segment;
    try (Stream<Path> files = Files.list(dir.resolve("outbox"))) {
      segment = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
    Files.writeString(segment, "{\"op\":\"delivered\",\"id\":\"" + a.id() + "\",\"chan", StandardOpenOption.APPEND);
    receiver.up();
    open(fast().channel("hook", webhook(receiver), Severity.INFO));
    assertThat(listener.await("delivered", 1)).singleElement()
        .satisfies(e -> assertThat(e.alertId()).isEqualTo(a.id()));
  }

  @Test
  void damagedRecordWithAValidMacStopsStartWithAnErrorNamingIt() throws Exception {
    Path outbox = Files.createDirectories(dir.resolve("outbox"));
    OutboxSeal seal = OutboxSeal.loadOrCreate(dir.resolve("keys").resolve(OutboxSeal.KEY_FILE));
    Files.writeString(outbox.resolve("alerts-000001.jsonl"), sealed(seal, "{\"op\":\"done\",\"id\":\"x\","
        + "\"confirmed\":true,\"at\":\"2026-01-01T00:00:00Z\"}") + "\n" + sealed(seal, "not json at all") + "\n");
    assertThatThrownBy(() -> fast().channel(new Slf4jAlertChannel(), Severity.INFO).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("record 2")
        .hasMessageContaining(outbox.toString());
  }

  private static String sealed(OutboxSeal seal, String json) {
    return new String(seal.seal(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  @Test
  void withoutAConfirmingChannelTheFutureFailsAtOnceButTheLogStillGetsTheAlert() throws Exception {
    CapturingLogger log = new CapturingLogger("alerts", false);
    OutboxAlertDispatcher d = open(fast().channel(TestSupport.slf4jChannel(log), Severity.INFO));
    Alert a = alert(Severity.HIGH);
    assertThatThrownBy(() -> d.dispatch(a).get(WAIT, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AlertDeliveryException.class).hasMessageContaining("no channel that confirms delivery");
    assertThat(listener.await("delivered", 1)).hasSize(1);
    assertThat(log.lines()).singleElement().asString().contains(a.id());
  }

  @Test
  void failingListenerDoesNotChangeTheOutcome() throws Exception {
    WebhookReceiver receiver = receiverUp();
    OutboxAlertDispatcher d = open(fast().listener(new AlertDeliveryListener() {
      @Override
      public void delivered(Alert alert, String channel, int attempts, Instant time) {
        throw new IllegalStateException("audit sink down");
      }
    }).channel(webhook(receiver), Severity.INFO));
    assertThat(d.dispatch(alert(Severity.HIGH))).succeedsWithin(Duration.ofSeconds(WAIT));
    assertThat(d.pendingCount()).isZero();
  }

  @Test
  void closeFailsOpenFuturesAndRefusesNewAlerts() throws Exception {
    WebhookReceiver receiver = receiverDown();
    OutboxAlertDispatcher d = fast().channel(webhook(receiver), Severity.INFO).build();
    CompletableFuture<Void> open = d.dispatch(alert(Severity.HIGH));
    d.close();
    assertThatThrownBy(() -> open.get(WAIT, TimeUnit.SECONDS)).cause()
        .isInstanceOf(BreakGlassException.class)
        .satisfies(e -> assertThat(((BreakGlassException) e).code()).isEqualTo(ReasonCode.CLOSED));
    assertThatThrownBy(() -> d.dispatch(alert(Severity.HIGH)).get(WAIT, TimeUnit.SECONDS)).cause()
        .isInstanceOf(BreakGlassException.class).hasMessageContaining("closed");
  }

  @Test
  void channelRemovedFromConfigurationIsReportedAsFailedAfterRestart() throws Exception {
    WebhookReceiver gone = receiverDown();
    WebhookReceiver kept = receiverDown();
    OutboxAlertDispatcher first = fast()
        .channel("gone", webhook(gone), Severity.INFO)
        .channel("kept", webhook(kept), Severity.INFO).build();
    Alert a = alert(Severity.CRITICAL);
    first.dispatch(a);
    first.close();
    kept.up();
    open(fast().channel("kept", webhook(kept), Severity.INFO));
    assertThat(listener.await("failed", 1)).singleElement().satisfies(e -> {
      assertThat(e.channel()).isEqualTo("gone");
      assertThat(e.reason()).contains("no longer configured");
    });
    assertThat(listener.await("delivered", 1)).singleElement()
        .satisfies(e -> assertThat(e.channel()).isEqualTo("kept"));
  }

  @Test
  void retryingStopsOnceTheAlertIsOlderThanTheGiveUpAge() throws Exception {
    WebhookReceiver receiver = receiverUp();
    receiver.answer(n -> 503);
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    OutboxAlertDispatcher d = open(fast().clock(clock).giveUpAfter(Duration.ofHours(1))
        .channel(webhook(receiver), Severity.INFO));
    CompletableFuture<Void> f = d.dispatch(alert(Severity.HIGH));
    receiver.await(2);
    clock.advance(Duration.ofHours(2));
    assertThatThrownBy(() -> f.get(WAIT, TimeUnit.SECONDS)).cause().hasMessageContaining("HTTP 503");
    assertThat(listener.await("failed", 1)).hasSize(1);
  }

  @Test
  void builderRejectsBadSettingsWithClearMessages() {
    OutboxAlertDispatcher.Builder b = OutboxAlertDispatcher.builder(dir);
    assertThatThrownBy(() -> b.maxAttempts(0)).hasMessageContaining("maxAttempts").hasMessageContaining("0");
    assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(10), Duration.ofSeconds(1)))
        .hasMessageContaining("exceeds");
    assertThatThrownBy(() -> b.jitter(1.5)).hasMessageContaining("jitter");
    assertThatThrownBy(() -> b.channel("bad key", new Slf4jAlertChannel(), Severity.INFO))
        .hasMessageContaining("bad key");
    b.channel(new Slf4jAlertChannel(), Severity.INFO);
    assertThatThrownBy(() -> b.channel(new Slf4jAlertChannel(), Severity.INFO)).hasMessageContaining("used twice");
    assertThatThrownBy(() -> OutboxAlertDispatcher.builder(dir.resolve("empty")).build())
        .hasMessageContaining("at least one channel");
  }

  @Test
  void manyConcurrentDispatchesAreEachDeliveredOnce() throws Exception {
    WebhookReceiver receiver = receiverUp();
    OutboxAlertDispatcher d = open(fast().threadsPerChannel(4).channel(webhook(receiver), Severity.INFO));
    int threads = 8;
    int each = 25;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<java.util.concurrent.Future<List<CompletableFuture<Void>>>> work = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      work.add(pool.submit(() -> {
        start.await();
        List<CompletableFuture<Void>> mine = new ArrayList<>();
        for (int i = 0; i < each; i++) {
          Alert a = alert(Severity.HIGH);
          ids.add(a.id());
          mine.add(d.dispatch(a));
        }
        return mine;
      }));
    }
    for (var w : work) {
      for (CompletableFuture<Void> f : w.get(WAIT, TimeUnit.SECONDS)) {
        f.get(WAIT, TimeUnit.SECONDS);
      }
    }
    pool.shutdownNow();
    Map<String, Long> accepted = countById(receiver.accepted());
    assertThat(accepted.keySet()).isEqualTo(new HashSet<>(ids));
    assertThat(accepted.values()).allMatch(n -> n == 1);
    assertThat(ids).hasSize(threads * each);
  }
}

package dev.breakglass.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.breakglass.AuditEventType;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertDeliveryException;
import dev.breakglass.spi.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link AlertChannel} must meet. Extend it in a test, start a real receiver for
 * each test method (a local HTTP server, SMTP server, syslog listener, a capturing logger), and
 * supply the four methods below; every built-in channel passes this kit.
 *
 * <pre>{@code
 * class MyChannelContractTest extends AlertChannelContract {
 *   MyReceiver receiver;                        // started in @BeforeEach, stopped in @AfterEach
 *
 *   protected AlertChannel createChannel() { return new MyChannel(receiver.address(), SECRET); }
 *   protected AlertChannel createUnreachableChannel() { return new MyChannel(closedPort(), SECRET); }
 *   protected List<String> awaitReceived(int count) { return receiver.await(count); }
 *   protected Collection<String> channelSecrets() { return List.of(SECRET); }
 * }
 * }</pre>
 *
 * <p>What it proves: an alert arrives once, with its id (the idempotency key), severity, summary,
 * account and grant; a failure surfaces as {@link AlertDeliveryException} and nothing else (within
 * {@value #FAILURE_ATTEMPTS} deliveries); none of
 * the channel's own secrets (a signing key, a password) reaches the receiver, an exception message
 * or {@code toString()}; {@code deliver} is safe to call from many threads at once; {@code close}
 * may be called twice.
 */
public abstract class AlertChannelContract {
  /** Bound on any wait in this contract, so that a broken channel fails instead of hanging. */
  protected static final long WAIT_SECONDS = 20;

  /**
   * How many deliveries to an unreachable receiver may return normally before one must fail: a
   * transport without acknowledgements (UDP) may only learn of the failure on a later send.
   */
  protected static final int FAILURE_ATTEMPTS = 3;

  private AlertChannel channel;

  /**
   * A channel that delivers to this test's receiver, which is up. Called once per test method.
   * Configure it with the canary values of {@link #channelSecrets()} as its secrets.
   *
   * @return the channel under test
   * @throws Exception if the channel cannot be created; the test fails
   */
  protected abstract AlertChannel createChannel() throws Exception;

  /**
   * A channel configured like {@link #createChannel()} (same secrets), but whose receiver cannot be
   * reached or refuses every alert, so that {@code deliver} must fail.
   *
   * @return a channel whose deliveries fail
   * @throws Exception if the channel cannot be created; the test fails
   */
  protected abstract AlertChannel createUnreachableChannel() throws Exception;

  /**
   * Waits until the receiver has received at least {@code count} messages since this test method
   * started (bounded: give up after {@link #WAIT_SECONDS} and return what arrived), then returns
   * every message received so far, each as the receiver saw it: headers and body, decoded from any
   * transfer encoding so that plain text can be searched.
   *
   * @param count how many messages to wait for
   * @return every message received since the test method started, in arrival order
   * @throws Exception if the receiver cannot be read; the test fails
   */
  protected abstract List<String> awaitReceived(int count) throws Exception;

  /**
   * The secret values the channel was configured with (its signing key, its password), or an empty
   * collection if it holds none. Use unique canary strings, so a leak cannot go unnoticed.
   *
   * @return the channel's secret values
   */
  protected abstract Collection<String> channelSecrets();

  @BeforeEach
  void openChannel() throws Exception {
    channel = createChannel();
  }

  @AfterEach
  void closeChannel() {
    if (channel != null) {
      channel.close();
    }
  }

  /**
   * The channel under test (the one {@link #createChannel()} made for this method).
   *
   * @return the channel of the running test
   */
  protected final AlertChannel channel() {
    return channel;
  }

  /**
   * A fresh alert with a unique id and plain ASCII text.
   *
   * @param severity its severity
   * @param type the step it reports
   * @return the alert
   */
  protected static Alert newAlert(Severity severity, AuditEventType type) {
    String n = UUID.randomUUID().toString();
    return new Alert("tck-" + n, Instant.now().truncatedTo(ChronoUnit.MILLIS), severity, type,
        "Contract alert " + n.substring(0, 8) + " for the kit", "grant-" + n.substring(0, 8),
        "acct-" + n.substring(9, 13), Map.of("ticket", "TCK-" + n.substring(14, 18)));
  }

  /**
   * Delivers to {@code broken} up to {@link #FAILURE_ATTEMPTS} times and returns the first throwable;
   * a fire-and-forget transport (UDP) may only learn on a later send that nothing is listening.
   * Fails the test if every attempt returns normally.
   */
  private static Throwable failureWithinAttempts(AlertChannel broken) {
    for (int i = 0; i < FAILURE_ATTEMPTS; i++) {
      Throwable thrown = catchThrowable(() -> broken.deliver(newAlert(Severity.CRITICAL, AuditEventType.ROTATION_FAILED)));
      if (thrown != null) {
        return thrown;
      }
    }
    throw new AssertionError("deliver to an unreachable receiver returned normally " + FAILURE_ATTEMPTS + " times");
  }

  private static long count(List<String> messages, String needle) {
    return messages.stream().filter(m -> m.contains(needle)).count();
  }

  private static String only(List<String> messages, String id) {
    List<String> with = messages.stream().filter(m -> m.contains(id)).toList();
    assertThat(with).as("messages carrying alert id %s", id).hasSize(1);
    return with.get(0);
  }

  @Nested
  class Delivery {
    @Test
    void nameIsNotBlank() {
      assertThat(channel().name()).isNotBlank();
    }

    @Test
    void alertArrivesOnceWithIdSeverityAndSummary() throws Exception {
      Alert alert = newAlert(Severity.HIGH, AuditEventType.GRANT_ISSUED);
      channel().deliver(alert);
      String received = only(awaitReceived(1), alert.id());
      assertThat(received).contains(alert.summary());
      assertThat(received.toUpperCase(Locale.ROOT)).contains("HIGH");
    }

    @Test
    void alertArrivesWithAccountAndGrant() throws Exception {
      Alert alert = newAlert(Severity.CRITICAL, AuditEventType.USE_OUTSIDE_EMERGENCY);
      channel().deliver(alert);
      String received = only(awaitReceived(1), alert.id());
      assertThat(received).contains(alert.account()).contains(alert.grantId());
      assertThat(received.toUpperCase(Locale.ROOT)).contains("CRITICAL");
    }

    @Test
    void everySeverityIsDeliverable() throws Exception {
      List<Alert> alerts = new ArrayList<>();
      for (Severity s : Severity.values()) {
        Alert a = newAlert(s, AuditEventType.ACCESS_REQUESTED);
        alerts.add(a);
        channel().deliver(a);
      }
      List<String> received = awaitReceived(alerts.size());
      for (Alert a : alerts) {
        assertThat(only(received, a.id()).toUpperCase(Locale.ROOT)).contains(a.severity().name());
      }
    }

    @Test
    void closeMayBeCalledTwice() {
      AlertChannel c = channel();
      assertThatCode(() -> {
        c.close();
        c.close();
      }).doesNotThrowAnyException();
    }
  }

  @Nested
  class Failure {
    @Test
    void unreachableReceiverSurfacesAsAlertDeliveryException() throws Exception {
      try (AlertChannel broken = createUnreachableChannel()) {
        Throwable thrown = failureWithinAttempts(broken);
        assertThat(thrown).isInstanceOf(AlertDeliveryException.class);
        assertThat(thrown.getMessage()).isNotBlank();
      }
    }
  }

  @Nested
  class Secrets {
    @Test
    void noChannelSecretReachesTheReceiver() throws Exception {
      Alert alert = newAlert(Severity.CRITICAL, AuditEventType.CREDENTIAL_RELEASED);
      channel().deliver(alert);
      List<String> received = awaitReceived(1);
      assertThat(count(received, alert.id())).isEqualTo(1);
      for (String secret : channelSecrets()) {
        for (String form : encodings(secret)) {
          assertThat(received).as("received messages").noneMatch(m -> m.contains(form));
        }
      }
    }

    @Test
    void noChannelSecretInToStringOrFailureMessage() throws Exception {
      String description = channel().toString();
      String failure;
      try (AlertChannel broken = createUnreachableChannel()) {
        Throwable thrown = failureWithinAttempts(broken);
        assertThat(thrown).isInstanceOf(AlertDeliveryException.class);
        StringBuilder all = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
          all.append(t).append('\n');
        }
        failure = all.toString();
      }
      for (String secret : channelSecrets()) {
        for (String form : encodings(secret)) {
          assertThat(description).doesNotContain(form);
          assertThat(failure).doesNotContain(form);
        }
      }
    }

    private List<String> encodings(String secret) {
      byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
      return List.of(secret, Base64.getEncoder().encodeToString(bytes), HexFormat.of().formatHex(bytes));
    }
  }

  @Nested
  class Concurrency {
    @Test
    void concurrentDeliveriesEachArriveExactlyOnce() throws Exception {
      int threads = 8;
      int perThread = 4;
      CyclicBarrier start = new CyclicBarrier(threads);
      ConcurrentLinkedQueue<Alert> sent = new ConcurrentLinkedQueue<>();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          futures.add(pool.submit(() -> {
            start.await(WAIT_SECONDS, TimeUnit.SECONDS);
            for (int i = 0; i < perThread; i++) {
              Alert a = newAlert(Severity.values()[i % Severity.values().length], AuditEventType.ACCESS_REQUESTED);
              channel().deliver(a);
              sent.add(a);
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get(WAIT_SECONDS * 2, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      List<String> received = awaitReceived(threads * perThread);
      assertThat(sent).hasSize(threads * perThread);
      for (Alert a : sent) {
        assertThat(count(received, a.id())).as("messages carrying %s", a.id()).isEqualTo(1);
      }
    }
  }
}

package dev.breakglass.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.breakglass.AccountPolicy;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.AuthenticationFailedException;
import dev.breakglass.Authenticator;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.LoginAttempt;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.EngineMetrics;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how long the engine, with its default health settings, takes from an outage of the
 * primary identity provider to an open emergency. Everything is real: the identity provider is an
 * HTTP server on loopback with a {@code /health} endpoint (probed by the built-in {@code http} probe)
 * and a {@code /login} endpoint (called by the application's authenticator, wrapped by the guard);
 * the engine uses its default audit log on disk and its own background threads.
 *
 * <p>Four scenarios, each run several times with the outage at a random moment of the probe cycle:
 * the provider {@code refuses} connections (the server stops) or {@code hangs} (it accepts and never
 * answers); and the emergency is detected by the probes alone (no login traffic) or by probes plus
 * the guard's passive signals (four users signing in every 100 ms, their HTTP client timing out after
 * 1 s). Times run from the outage to the durable {@code EMERGENCY_OPENED} audit record, read through
 * {@link EngineMetrics}.
 *
 * <pre>
 * java -cp breakglass-benchmarks/target/benchmarks.jar dev.breakglass.benchmarks.OutageDetectionHarness [runs]
 * </pre>
 *
 * <p>This is a harness, not a JMH benchmark: each run waits for real time to pass, and the result is
 * the spread of detection times, printed as a Markdown table (min, median, max in milliseconds).
 */
public final class OutageDetectionHarness {
  /** How the primary fails. */
  public enum Outage {
    /** The server stops: connections are refused at once. */
    REFUSED,
    /** The server accepts connections and never answers: every call runs into its timeout. */
    HANGS
  }

  /** What may detect the outage. */
  public enum Detection {
    /** The health probes only: nobody signs in. */
    PROBES,
    /** The health probes and the guard's passive signals from users signing in. */
    PROBES_AND_PASSIVE
  }

  /** The outcome of one scenario. */
  public record Result(Outage outage, Detection detection, List<Long> millis, int undetected) {
    long min() {
      return millis.stream().mapToLong(Long::longValue).min().orElse(-1);
    }

    long max() {
      return millis.stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    long median() {
      List<Long> sorted = millis.stream().sorted().toList();
      if (sorted.isEmpty()) {
        return -1;
      }
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
  }

  static final int USERS = 4;
  static final Duration THINK_TIME = Duration.ofMillis(100);
  static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(1);
  /** Longest wait for the emergency to open before a run counts as undetected. */
  static final Duration GIVE_UP = Duration.ofSeconds(30);

  private OutageDetectionHarness() {}

  public static void main(String[] args) throws Exception {
    // The engine's own log lines (alerts included) at WARN and above; the table is what matters.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    List<Result> results = new ArrayList<>();
    for (Detection detection : Detection.values()) {
      for (Outage outage : Outage.values()) {
        Result r = scenario(outage, detection, runs);
        System.out.printf(Locale.ROOT, "%s / %s: %s ms%n", outage, detection, r.millis());
        results.add(r);
      }
    }
    System.out.println();
    System.out.println("| detection | outage | runs | min ms | median ms | max ms |");
    System.out.println("|---|---|---|---|---|---|");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "| %s | %s | %d%s | %d | %d | %d |%n",
          r.detection() == Detection.PROBES ? "probes alone" : "probes + passive signals",
          r.outage() == Outage.REFUSED ? "connections refused" : "server hangs",
          r.millis().size(), r.undetected() > 0 ? " (" + r.undetected() + " undetected)" : "",
          r.min(), r.median(), r.max());
    }
  }

  /** Runs one scenario {@code runs} times, each on a fresh identity provider and engine. */
  public static Result scenario(Outage outage, Detection detection, int runs) throws Exception {
    Path dir = Files.createTempDirectory("outage-harness");
    List<Long> millis = new ArrayList<>();
    int undetected = 0;
    try (EncryptedFileVault vault = EncryptedFileVault.create(dir.resolve("vault.json"),
        "harness passphrase".toCharArray(), Argon2Parameters.recommended())) {
      for (int i = 0; i < runs; i++) {
        long ms = once(outage, detection, dir.resolve("run-" + i), vault);
        if (ms < 0) {
          undetected++;
        } else {
          millis.add(ms);
        }
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return new Result(outage, detection, List.copyOf(millis), undetected);
  }

  /** One run: milliseconds from the outage to the open emergency, or -1 if it did not open in time. */
  static long once(Outage outage, Detection detection, Path data, EncryptedFileVault vault) throws Exception {
    try (IdentityProvider idp = new IdentityProvider()) {
      AtomicLong openedAt = new AtomicLong();
      CountDownLatch opened = new CountDownLatch(1);
      EngineMetrics metrics = new EngineMetrics().onAuditAppend((event, nanos) -> {
        if (event.type() == AuditEventType.EMERGENCY_OPENED && openedAt.compareAndSet(0, System.nanoTime())) {
          opened.countDown();
        }
      });
      BreakGlassPolicy policy = BreakGlassPolicy.builder()
          .account(AccountPolicy.builder("prod-db-admin").requesters("alice").build()).build();
      // Only what a host must set: the health settings are the engine's defaults.
      try (BreakGlass breakGlass = BreakGlassEngine.builder().policy(policy).dataDirectory(data).vault(vault)
          .property("probes", "http").property("probe.http.url", idp.url("/health"))
          .metrics(metrics).build()) {
        if (breakGlass.emergencyState().isEmergency()) {
          throw new IllegalStateException("the identity provider was not healthy at start: " + idp.url("/health"));
        }
        Users users = detection == Detection.PROBES_AND_PASSIVE ? new Users(breakGlass.guard(idp.authenticator()))
            : null;
        try {
          // Steady state first, then the outage at a random moment of the 1 s probe cycle.
          Thread.sleep(2000 + ThreadLocalRandom.current().nextLong(1000));
          long start = System.nanoTime();
          idp.fail(outage);
          if (!opened.await(GIVE_UP.toMillis(), TimeUnit.MILLISECONDS)) {
            return -1;
          }
          return TimeUnit.NANOSECONDS.toMillis(openedAt.get() - start);
        } finally {
          if (users != null) {
            users.close();
          }
          // The EMERGENCY_OPENED alert is dispatched after its audit record and before the state reads
          // open: let it out before closing.
          for (int i = 0; i < 1000 && opened.getCount() == 0 && !breakGlass.emergencyState().isEmergency(); i++) {
            Thread.sleep(10);
          }
          for (int i = 0; i < 1000 && metrics.alertOutboxDepth() > 0; i++) {
            Thread.sleep(10);
          }
        }
      }
    }
  }

  /** Users signing in through the guard, each every {@link #THINK_TIME}, until closed. */
  static final class Users implements AutoCloseable {
    private final ExecutorService threads = Executors.newFixedThreadPool(USERS);
    private final AtomicBoolean running = new AtomicBoolean(true);

    Users(Authenticator login) {
      for (int u = 0; u < USERS; u++) {
        String name = "user-" + u;
        threads.execute(() -> {
          while (running.get()) {
            try {
              login.authenticate(LoginAttempt.of(name, "password".toCharArray()));
            } catch (RuntimeException expectedDuringTheOutage) {
              // the primary's failure reaches the application unchanged; the guard has counted it
            }
            try {
              Thread.sleep(THINK_TIME.toMillis());
            } catch (InterruptedException e) {
              return;
            }
          }
        });
      }
    }

    /** Lets every user finish the login under way: an interrupt must not land inside the engine's file I/O. */
    @Override
    public void close() throws InterruptedException {
      running.set(false);
      threads.shutdown();
      if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
        threads.shutdownNow();
      }
    }
  }

  /** The simulated identity provider: {@code /health} and {@code /login} over HTTP on loopback. */
  static final class IdentityProvider implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final CountDownLatch hang = new CountDownLatch(1);
    private volatile boolean hanging;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(LOGIN_TIMEOUT).build();

    IdentityProvider() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      server.createContext("/health", exchange -> answer(exchange, 200, "ok"));
      // Every user of the simulation is known; what is measured is how the provider fails, not who signs in.
      server.createContext("/login", exchange -> answer(exchange, 200, "signed in"));
      server.setExecutor(handlers);
      server.start();
    }

    String url(String path) {
      return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + path;
    }

    private void answer(HttpExchange exchange, int status, String body) throws IOException {
      try {
        if (hanging) {
          try {
            hang.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return;
        }
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
      } finally {
        exchange.close();
      }
    }

    /** The application's authenticator: a login call to the provider with a 1 s timeout. */
    Authenticator authenticator() {
      return attempt -> {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("/login"))).timeout(LOGIN_TIMEOUT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("user=" + attempt.username())).build();
        int status;
        try {
          status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
          throw new UncheckedIOException(e);  // refused connection or timeout: the guard counts it
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        if (status != 200) {
          throw new AuthenticationFailedException("rejected");
        }
        return AuthenticatedPrincipal.of(attempt.username());
      };
    }

    void fail(Outage outage) {
      if (outage == Outage.REFUSED) {
        server.stop(0);
      } else {
        hanging = true;
      }
    }

    @Override
    public void close() {
      hang.countDown();
      server.stop(0);
      handlers.shutdownNow();
    }
  }
}

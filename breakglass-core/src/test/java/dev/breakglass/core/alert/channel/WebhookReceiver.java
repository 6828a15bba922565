package dev.breakglass.core.alert.channel;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

/**
 * A real HTTP receiver on loopback (the JDK's HttpServer) that records every request and answers
 * with a status chosen per request, or hangs until released. It can be stopped and started again on
 * the same port, to play a receiver that goes down and comes back.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** One request as received. */
  public record Request(String method, Headers headers, byte[] body, int answeredStatus) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return headers.getFirst(name);
    }

    /** Headers and body as one text, for the channel kit. */
    public String asText() {
      StringBuilder sb = new StringBuilder();
      headers.forEach((k, v) -> sb.append(k).append(": ").append(String.join(",", v)).append('\n'));
      return sb.append('\n').append(bodyText()).toString();
    }
  }

  private final int port;
  private final List<Request> requests = new ArrayList<>();
  private volatile IntUnaryOperator status = n -> 200;
  private volatile CountDownLatch hang = new CountDownLatch(0);
  private HttpServer server;
  private ExecutorService executor;
  private int seen;
  private int arrivals;

  private WebhookReceiver(int port) {
    this.port = port;
  }

  /** A receiver on a free loopback port, started. */
  public static WebhookReceiver start() throws IOException {
    WebhookReceiver r = new WebhookReceiver(freePort());
    r.up();
    return r;
  }

  /** A receiver on a free loopback port, not yet listening (connections are refused). */
  public static WebhookReceiver down() throws IOException {
    return new WebhookReceiver(freePort());
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port + "/hook");
  }

  /** Answers the n-th request (1-based, counting every request) with {@code status.applyAsInt(n)}. */
  public void answer(IntUnaryOperator status) {
    this.status = status;
  }

  /** Requests block until {@link #release()}. */
  public void hang() {
    hang = new CountDownLatch(1);
  }

  public void release() {
    hang.countDown();
  }

  public synchronized void up() throws IOException {
    if (server != null) {
      return;
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "webhook-receiver");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      synchronized (this) {
        arrivals++;
        notifyAll();
      }
      try {
        hang.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      int code;
      synchronized (this) {
        code = status.applyAsInt(++seen);
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestHeaders(), body, code));
        notifyAll();
      }
      exchange.sendResponseHeaders(code, -1);
      exchange.close();
    });
    server.start();
  }

  public synchronized void stop() {
    if (server != null) {
      release();
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Requests answered with 2xx. */
  public synchronized List<Request> accepted() {
    return requests.stream().filter(r -> r.answeredStatus() / 100 == 2).toList();
  }

  /** Waits (at most 20 s) until at least {@code count} requests were answered, then returns all. */
  public synchronized List<Request> await(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (requests.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return List.copyOf(requests);
  }

  /** Waits (at most 20 s) until {@code count} requests have arrived, answered or not; returns how many did. */
  public synchronized int awaitArrivals(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (arrivals < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return arrivals;
  }

  @Override
  public void close() {
    stop();
  }
}

package dev.breakglass.core.health;

import dev.breakglass.core.text.SafeText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP GET with a bound on the whole exchange (connect, headers and body) and on the body's
 * size, reporting every failure as a {@link Failure} whose detail says what was seen in words an
 * operator understands. The JDK client's own request timeout ends when the headers arrive; a server
 * that then stalls in the body is caught by the overall bound here.
 *
 * <p>Thread-safe: the JDK {@link HttpClient} is, and nothing else is mutable.
 */
final class HttpFetcher {
  /** Discovery documents and key sets are a few kilobytes; this leaves ample room. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  private final HttpClient client;
  private final Duration timeout;

  HttpFetcher(Duration connectTimeout, Duration timeout) {
    this.timeout = timeout;
    this.client = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  /** A response: its status and, for status 200 only, its body. */
  record Response(int status, byte[] body) {}

  /** A fetch that did not produce a response; {@link #getMessage()} is the detail for the result. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String detail) {
      super(detail, null, false, false);
    }
  }

  /**
   * GETs {@code uri}.
   *
   * @param shown how to name the URL in details (it may differ from {@code uri} to hide secrets)
   */
  Response get(URI uri, String shown) throws Failure {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Accept", "application/json")
        .GET()
        .build();
    CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request,
        info -> info.statusCode() == 200 ? new CappedBody(MAX_BODY_BYTES)
            : HttpResponse.BodySubscribers.replacing(new byte[0]));
    try {
      HttpResponse<byte[]> response = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return new Response(response.statusCode(), response.body());
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new Failure("no complete response from " + shown + " within " + format(timeout));
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new Failure("interrupted while waiting for " + shown);
    } catch (ExecutionException e) {
      throw new Failure(describe(e.getCause(), shown));
    }
  }

  private String describe(@Nullable Throwable cause, String shown) {
    if (cause instanceof HttpConnectTimeoutException) {
      return "could not connect to " + shown + " within " + format(client.connectTimeout().orElse(timeout));
    }
    if (cause instanceof HttpTimeoutException) {
      return "no response from " + shown + " within " + format(timeout);
    }
    if (causedBy(cause, UnresolvedAddressException.class)) {
      // The JDK client reports an unknown host as a ConnectException caused by this.
      return "could not resolve the host of " + shown;
    }
    if (cause instanceof ConnectException) {
      return "could not connect to " + shown + " (connection refused or unreachable)";
    }
    if (cause instanceof SSLException) {
      return "TLS failed with " + shown + ": " + message(cause);
    }
    if (cause instanceof BodyTooLargeException) {
      return "the response from " + shown + " is larger than " + MAX_BODY_BYTES + " bytes";
    }
    if (cause instanceof IOException) {
      return "I/O error talking to " + shown + ": " + cause.getClass().getSimpleName() + " " + message(cause);
    }
    return "request to " + shown + " failed: " + (cause == null ? "unknown error" : cause.getClass().getSimpleName());
  }

  private static boolean causedBy(@Nullable Throwable t, Class<? extends Throwable> type) {
    for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String message(Throwable t) {
    return t.getMessage() == null ? "" : SafeText.printable(t.getMessage(), 160);
  }

  static String format(Duration d) {
    if (d.toMillis() % 1000 != 0 || d.isZero()) {
      return d.toMillis() + "ms";
    }
    return d.toSeconds() + "s";
  }

  /** Collects a body up to a limit, then gives up rather than buffering without end. */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.@Nullable Subscription subscription;

    CappedBody(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = Objects.requireNonNull(s);
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : buffers) {
        if (out.size() + b.remaining() > max) {
          Objects.requireNonNull(subscription).cancel();
          result.completeExceptionally(new BodyTooLargeException());
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }

  private static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
  }
}

package dev.breakglass.core.alert;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.Alert;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Adds a link to the approval console to every alert: {@code console} is the console page of the
 * request the alert is about ({@code <console-url>/requests/<grant id>}), or the console's start
 * page for alerts about no request. Custodians paged at night open the link, see what their
 * signature covers and approve with their security key. Enabled by the engine property
 * {@code alert.console-url}, e.g. {@code https://ops.example.com/breakglass}.
 *
 * <pre>{@code
 * BreakGlassEngine.builder()...property("alert.console-url", "https://ops.example.com/breakglass")
 * }</pre>
 *
 * <p>The link is added to the alert only, never to the audit record. Thread-safe.
 */
public final class ConsoleLinks implements AlertDispatcher {
  /** The detail key of the link. */
  public static final String DETAIL = "console";

  private final AlertDispatcher delegate;
  private final String base;

  private ConsoleLinks(AlertDispatcher delegate, String base) {
    this.delegate = delegate;
    this.base = base;
  }

  /**
   * Wraps {@code delegate} so its alerts carry links under {@code consoleUrl}.
   *
   * @throws ProviderException if {@code consoleUrl} is not an absolute http or https URL
   */
  public static ConsoleLinks wrap(AlertDispatcher delegate, String consoleUrl) {
    String url = consoleUrl.strip().replaceAll("/+$", "");
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ProviderException("alert", "property 'alert.console-url' is not a URL: " + e.getMessage(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getQuery() != null
        || uri.getFragment() != null) {
      throw new ProviderException("alert", "property 'alert.console-url' must be the console's absolute http(s) URL"
          + " without query or fragment, e.g. https://ops.example.com/breakglass; was '" + consoleUrl + "'");
    }
    return new ConsoleLinks(delegate, url);
  }

  /** The console page of the request with {@code grantId}. */
  public String requestPage(String grantId) {
    return base + "/requests/" + URLEncoder.encode(grantId, StandardCharsets.UTF_8);
  }

  /** The dispatcher the links are added for (the engine's outbox). */
  public AlertDispatcher delegate() {
    return delegate;
  }

  @Override
  public CompletableFuture<Void> dispatch(Alert alert) {
    Map<String, String> details = new LinkedHashMap<>(alert.details());
    details.put(DETAIL, alert.grantId() != null ? requestPage(alert.grantId()) : base + "/");
    return delegate.dispatch(new Alert(alert.id(), alert.time(), alert.severity(), alert.type(), alert.summary(),
        alert.grantId(), alert.account(), details));
  }

  @Override
  public void close() {
    delegate.close();
  }
}

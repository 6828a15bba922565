package dev.breakglass.core.health;

import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.HealthProbeProvider;
import dev.breakglass.spi.ProviderContext;

/**
 * Creates an {@link HttpStatusProbe} from configuration; registered as the health probe provider
 * {@code http}.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code url}</td><td>the URL that must answer 2xx (a query may carry a token; it is never
 *       shown)</td><td>required</td></tr>
 *   <tr><td>{@code timeout}</td><td>bound on the request ({@code 2s}, {@code 500ms}, {@code PT2S})</td>
 *       <td>{@code health.timeout}, else {@code 1s}</td></tr>
 *   <tr><td>{@code connect-timeout}</td><td>bound on connecting</td><td>the timeout</td></tr>
 * </table>
 */
public final class HttpStatusProbeProvider implements HealthProbeProvider {
  /** The provider name. */
  public static final String NAME = "http";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public HealthProbe create(ProviderContext context) {
    HttpStatusProbe.Builder builder;
    try {
      builder = HttpStatusProbe.builder(context.require("url"));
    } catch (IllegalArgumentException e) {
      throw context.problem("url", e.getMessage());
    }
    builder.timeout(context.positiveDuration("timeout", OidcDiscoveryProbe.DEFAULT_TIMEOUT));
    if (context.get("connect-timeout").isPresent()) {
      builder.connectTimeout(context.positiveDuration("connect-timeout", OidcDiscoveryProbe.DEFAULT_TIMEOUT));
    }
    return builder.build();
  }
}

package dev.breakglass.core.health;

import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.HealthProbeProvider;
import dev.breakglass.spi.ProviderContext;

/**
 * Creates an {@link OidcDiscoveryProbe} from configuration; registered as the health probe provider
 * {@code oidc}.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code issuer}</td><td>the issuer identifier, exactly as the provider announces it</td>
 *       <td>required</td></tr>
 *   <tr><td>{@code timeout}</td><td>bound on each request ({@code 2s}, {@code 500ms}, {@code PT2S})</td>
 *       <td>{@code health.timeout}, else {@code 1s}</td></tr>
 *   <tr><td>{@code connect-timeout}</td><td>bound on connecting</td><td>the timeout</td></tr>
 *   <tr><td>{@code check-jwks}</td><td>also require the key set to hold a key ({@code true} or
 *       {@code false})</td><td>{@code true}</td></tr>
 * </table>
 */
public final class OidcProbeProvider implements HealthProbeProvider {
  /** The provider name. */
  public static final String NAME = "oidc";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public HealthProbe create(ProviderContext context) {
    OidcDiscoveryProbe.Builder builder;
    try {
      builder = OidcDiscoveryProbe.builder(context.require("issuer"));
    } catch (IllegalArgumentException e) {
      throw context.problem("issuer", e.getMessage());
    }
    builder.timeout(context.positiveDuration("timeout", OidcDiscoveryProbe.DEFAULT_TIMEOUT));
    if (context.get("connect-timeout").isPresent()) {
      builder.connectTimeout(context.positiveDuration("connect-timeout", OidcDiscoveryProbe.DEFAULT_TIMEOUT));
    }
    builder.checkJwks(context.bool("check-jwks", true));
    return builder.build();
  }
}

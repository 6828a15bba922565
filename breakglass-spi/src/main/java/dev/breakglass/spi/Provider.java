package dev.breakglass.spi;

/**
 * Creates one kind of component, selected by {@link #name()} from configuration. Implementations
 * need a public no-argument constructor (or a {@code provider()} method on the module path).
 *
 * <h2>Writing and registering a provider</h2>
 * Implement the sub-interface for the component ({@link HealthProbeProvider},
 * {@link AlertChannelProvider}, {@link CredentialVaultProvider}, ...), then register it both ways so
 * it is found on the class path and on the module path:
 *
 * <pre>{@code
 * public final class StatusPageProbeProvider implements HealthProbeProvider {
 *   public String name() { return "status-page"; }
 *   public HealthProbe create(ProviderContext context) {
 *     return new StatusPageProbe(URI.create(context.require("url")), context.clock());
 *   }
 * }
 * // META-INF/services/dev.breakglass.spi.HealthProbeProvider:  com.example.StatusPageProbeProvider
 * // module-info.java:  provides dev.breakglass.spi.HealthProbeProvider with com.example.StatusPageProbeProvider;
 * }</pre>
 *
 * The host then selects it by name and configures it under its prefix, for example
 * {@code property("probes", "status-page")} and {@code property("probe.status-page.url", "https://...")}.
 *
 * @param <T> the component type
 */
public interface Provider<T> {
  /**
   * The name configuration selects this provider by, for example {@code file} or {@code webhook}.
   *
   * @return the provider name, unique among providers of the same component type
   */
  String name();

  /**
   * Creates the component. Read settings through the context's typed readers so errors are worded
   * alike:
   *
   * <pre>{@code
   * public HealthProbe create(ProviderContext context) {
   *   URI issuer = URI.create(context.require("issuer"));
   *   Duration timeout = context.positiveDuration("timeout", Duration.ofSeconds(5));
   *   return new OidcProbe(issuer, timeout, context.clock());
   * }
   * }</pre>
   *
   * @param context this provider's properties, the engine's clock and its data directory
   * @return the new component; the engine closes it at shutdown
   * @throws dev.breakglass.ProviderException if the configuration is incomplete or invalid, with a
   *     message that names the missing or bad property
   */
  T create(ProviderContext context);
}

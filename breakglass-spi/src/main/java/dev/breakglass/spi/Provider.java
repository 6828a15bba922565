package dev.breakglass.spi;

/**
 * Creates one kind of component, selected by {@link #name()} from configuration. Implementations
 * need a public no-argument constructor (or a {@code provider()} method on the module path).
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

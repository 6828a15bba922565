package dev.breakglass.spi;

/**
 * Creates one kind of component, selected by {@link #name()} from configuration. Implementations
 * need a public no-argument constructor (or a {@code provider()} method on the module path).
 *
 * @param <T> the component type
 */
public interface Provider<T> {
  /** The name configuration selects this provider by, for example {@code file} or {@code webhook}. */
  String name();

  /**
   * Creates the component.
   *
   * @throws dev.breakglass.ProviderException if the configuration is incomplete or invalid, with a
   *     message that names the missing or bad property
   */
  T create(ProviderContext context);
}

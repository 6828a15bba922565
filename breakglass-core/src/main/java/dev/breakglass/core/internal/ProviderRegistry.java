package dev.breakglass.core.internal;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.Provider;
import dev.breakglass.spi.ProviderContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds providers of one kind through {@link ServiceLoader}. A provider that fails to load is
 * reported (logged, and named in any later "not found" error) but never stops the others from
 * loading; a provider is never chosen silently in place of the one named.
 *
 * @param <P> the provider interface
 */
public final class ProviderRegistry<P extends Provider<?>> {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

  private final String kind;
  private final Map<String, P> providers = new LinkedHashMap<>();
  private final List<String> broken = new ArrayList<>();

  private ProviderRegistry(String kind, Iterable<P> candidates) {
    this.kind = kind;
    Iterator<P> it = candidates.iterator();
    while (true) {
      P p;
      try {
        if (!it.hasNext()) {
          break;
        }
        p = it.next();
      } catch (ServiceConfigurationError e) {
        broken.add(e.getMessage());
        LOG.error("a {} provider failed to load and is unavailable: {}", kind, e.getMessage());
        continue;
      }
      String name;
      try {
        name = p.name();
      } catch (RuntimeException e) {
        broken.add(p.getClass().getName() + ": name() threw " + e);
        LOG.error("{} provider {} is broken: name() threw {}", kind, p.getClass().getName(), e.toString());
        continue;
      }
      P previous = providers.putIfAbsent(name, p);
      if (previous != null) {
        LOG.warn("two {} providers are named '{}': using {}, ignoring {}", kind, name,
            previous.getClass().getName(), p.getClass().getName());
      }
    }
  }

  /** Loads every provider of {@code type} visible to its class loader (and the module layer). */
  public static <P extends Provider<?>> ProviderRegistry<P> load(String kind, Class<P> type) {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return new ProviderRegistry<>(kind, ServiceLoader.load(type, cl != null ? cl : type.getClassLoader()));
  }

  /** A registry over explicit candidates (tests, and hosts without service files). */
  public static <P extends Provider<?>> ProviderRegistry<P> of(String kind, Iterable<P> candidates) {
    return new ProviderRegistry<>(kind, candidates);
  }

  /** The names of the providers that loaded. */
  public List<String> names() {
    return List.copyOf(providers.keySet());
  }

  /** Problems met while loading, one line each. */
  public List<String> broken() {
    return List.copyOf(broken);
  }

  /**
   * Creates the component of the provider named {@code name}.
   *
   * @throws ProviderException naming the provider and what is available, or wrapping its failure
   */
  public <T> T create(String name, ProviderContext context) {
    return create(null, name, context);
  }

  /**
   * Creates the component of the provider named {@code name} by the property {@code selectorKey}
   * ({@code vault}, {@code probes}), which errors name so the user knows what to fix.
   *
   * @throws ProviderException naming the property, the provider and what is available, or wrapping its failure
   */
  @SuppressWarnings("unchecked")
  public <T> T create(@Nullable String selectorKey, String name, ProviderContext context) {
    String where = selectorKey == null ? "" : " (property '" + selectorKey + "')";
    P p = providers.get(name);
    if (p == null) {
      throw new ProviderException(name, "no " + kind + " provider named '" + name + "'" + where
          + "; available: " + names() + (broken.isEmpty() ? "" : "; failed to load: " + broken)
          + ". Add the module that provides it to the class path or choose another.");
    }
    try {
      return (T) p.create(context);
    } catch (ProviderException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ProviderException(name, kind + " provider '" + name + "'" + where + " failed to start: "
          + e.getMessage(), e);
    }
  }

  /** The provider named {@code name}, if one loaded. */
  public java.util.Optional<P> provider(String name) {
    return java.util.Optional.ofNullable(providers.get(name));
  }
}

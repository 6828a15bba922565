package dev.breakglass;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * How {@link BreakGlass#builder()} finds an engine at run time. breakglass-core registers one; a
 * host normally never implements or calls this.
 */
public interface BreakGlassFactory {
  /**
   * A fresh builder of this engine.
   *
   * @return a new, unconfigured builder
   */
  BreakGlass.Builder newBuilder();

  /**
   * The first factory found by {@link ServiceLoader}. A factory that fails to load is skipped and
   * reported in the exception if none loads.
   *
   * @return the engine's factory
   * @throws ProviderException if no engine is on the class path or module path
   */
  static BreakGlassFactory load() {
    List<String> problems = new ArrayList<>();
    ServiceLoader<BreakGlassFactory> loader =
        ServiceLoader.load(BreakGlassFactory.class, BreakGlassFactory.class.getClassLoader());
    var it = loader.iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        return it.next();
      } catch (ServiceConfigurationError e) {
        problems.add(e.getMessage());
      }
    }
    throw new ProviderException("engine",
        "no breakglass engine found: add the dependency dev.breakglass:breakglass-core"
            + (problems.isEmpty() ? "" : "; broken engines skipped: " + problems));
  }
}

package dev.breakglass.core;

import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassFactory;

/** The breakglass engine: entry point for building a {@link BreakGlass} with SPI components in code. */
public final class BreakGlassEngine {
  private BreakGlassEngine() {}

  /** Registered with {@link java.util.ServiceLoader} so that {@link BreakGlass#builder()} finds this engine. */
  public static final class Factory implements BreakGlassFactory {
    @Override
    public BreakGlass.Builder newBuilder() {
      throw new UnsupportedOperationException("engine under construction");
    }
  }
}

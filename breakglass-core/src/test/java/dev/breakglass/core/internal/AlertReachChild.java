package dev.breakglass.core.internal;

import dev.breakglass.BreakGlass;
import dev.breakglass.core.BreakGlassEngine;
import java.nio.file.Path;

/**
 * The child JVM of {@link AlertReachTest}: builds and closes an engine on the embedded defaults with
 * no alert channel but the log, in the data directory given as the only argument, so that the parent
 * can read what the build printed on stderr.
 */
public final class AlertReachChild {
  private AlertReachChild() {}

  public static void main(String[] args) throws Exception {
    try (BreakGlass engine = BreakGlassEngine.builder().policy(EngineFixture.defaultPolicy())
        .dataDirectory(Path.of(args[0])).vault(new MapVault()).background(false).build()) {
      System.out.println("BUILT " + engine.emergencyState());
    }
  }
}

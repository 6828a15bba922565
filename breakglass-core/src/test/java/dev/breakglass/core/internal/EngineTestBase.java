package dev.breakglass.core.internal;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh {@link EngineFixture} on the default policy for each test, closed afterwards. */
abstract class EngineTestBase {
  @TempDir Path dir;
  EngineFixture f;

  @BeforeEach
  void openFixture() {
    f = new EngineFixture(dir);
  }

  @AfterEach
  void closeFixture() {
    f.close();
  }
}

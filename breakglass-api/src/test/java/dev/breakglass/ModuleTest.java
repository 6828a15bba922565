package dev.breakglass;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The API module exports exactly its one package, so nothing internal can leak into host code. */
class ModuleTest {
  static ModuleDescriptor descriptor() throws Exception {
    try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      return ModuleDescriptor.read(in);
    }
  }

  @Test
  void exportsOnlyTheApiPackage() throws Exception {
    ModuleDescriptor d = descriptor();
    assertThat(d.name()).isEqualTo("dev.breakglass.api");
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
        .containsExactly("dev.breakglass");
    assertThat(d.exports()).allMatch(e -> !e.isQualified());
  }

  @Test
  void dependsOnNothingButTheJdk() throws Exception {
    assertThat(descriptor().requires().stream()
        .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
        .map(ModuleDescriptor.Requires::name)).containsExactly("java.base");
  }

  @Test
  void findsEnginesThroughServiceLoader() throws Exception {
    assertThat(descriptor().uses()).containsExactly(BreakGlassFactory.class.getName());
  }
}

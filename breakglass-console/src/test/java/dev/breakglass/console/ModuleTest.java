package dev.breakglass.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The console module exports its one package; its script and stylesheet ship inside it. */
class ModuleTest {
  @Test
  void exportsOnePackageWithItsAssets() throws Exception {
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
        .containsExactly("dev.breakglass.console");
    assertThat(Path.of("target/classes/dev/breakglass/console/console.js")).isRegularFile();
    assertThat(Path.of("target/classes/dev/breakglass/console/console.css")).isRegularFile();
  }
}

package dev.breakglass.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The starter exports its three packages and registers its auto-configurations. */
class ModuleTest {
  @Test
  void exportsTheStarterPackagesOnly() throws Exception {
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertThat(d.name()).isEqualTo("dev.breakglass.spring");
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("dev.breakglass.spring.boot", "dev.breakglass.spring.boot.actuate",
            "dev.breakglass.spring.security");
    List<String> imports = Files.readAllLines(Path.of(
        "target/classes/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports"));
    assertThat(imports).containsExactly(BreakGlassAutoConfiguration.class.getName(),
        BreakGlassSecurityAutoConfiguration.class.getName(), BreakGlassActuatorAutoConfiguration.class.getName(),
        BreakGlassConsoleAutoConfiguration.class.getName());
  }
}

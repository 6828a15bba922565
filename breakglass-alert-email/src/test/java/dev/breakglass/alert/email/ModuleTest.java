package dev.breakglass.alert.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The module exports only its API package and registers its provider both ways. */
class ModuleTest {
  @Test
  void exportsOnlyTheChannelPackageAndProvidesTheProvider() throws Exception {
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertThat(d.name()).isEqualTo("dev.breakglass.alert.email");
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
        .containsExactly("dev.breakglass.alert.email");
    assertThat(d.provides()).singleElement().satisfies(p -> {
      assertThat(p.service()).isEqualTo("dev.breakglass.spi.AlertChannelProvider");
      assertThat(p.providers()).containsExactly(EmailAlertChannelProvider.class.getName());
    });
    List<String> services = Files.readAllLines(
        Path.of("target/classes/META-INF/services/dev.breakglass.spi.AlertChannelProvider"));
    assertThat(services).containsExactly(EmailAlertChannelProvider.class.getName());
  }
}

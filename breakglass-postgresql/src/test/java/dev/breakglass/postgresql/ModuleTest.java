package dev.breakglass.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The module exports only its API package and registers its provider, so neither can drift. */
class ModuleTest {
  /** This module's own descriptor, read from where its classes were loaded (a directory or a jar). */
  private static ModuleDescriptor descriptor() throws IOException {
    try {
      Path location = Path.of(PostgresRoleRotator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(location)) {
        try (InputStream in = Files.newInputStream(location.resolve("module-info.class"))) {
          return ModuleDescriptor.read(in);
        }
      }
      try (JarFile jar = new JarFile(location.toFile());
          InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
        return ModuleDescriptor.read(in);
      }
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void exportsOnlyTheApiPackage() throws IOException {
    ModuleDescriptor module = descriptor();

    assertThat(module.name()).isEqualTo("dev.breakglass.postgresql");
    assertThat(module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
        .isEqualTo(Set.of("dev.breakglass.postgresql"));
    assertThat(module.opens()).isEmpty();
  }

  @Test
  void providesTheRotatorProvider() throws IOException {
    assertThat(descriptor().provides()).singleElement().satisfies(p -> {
      assertThat(p.service()).isEqualTo("dev.breakglass.spi.CredentialRotatorProvider");
      assertThat(p.providers()).containsExactly(PostgresRoleRotatorProvider.class.getName());
    });
  }

  @Test
  void serviceFile_namesTheSameProvider() throws IOException {
    try (InputStream in = ModuleTest.class
        .getResourceAsStream("/META-INF/services/dev.breakglass.spi.CredentialRotatorProvider")) {
      assertThat(in).isNotNull();
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip())
          .isEqualTo(PostgresRoleRotatorProvider.class.getName());
    }
  }
}

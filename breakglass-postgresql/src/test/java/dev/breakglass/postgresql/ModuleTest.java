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
  void providesTheRotatorAuditSinkWitnessAndGrantStoreProviders() throws IOException {
    assertThat(descriptor().provides()).extracting(ModuleDescriptor.Provides::service, p -> p.providers())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("dev.breakglass.spi.CredentialRotatorProvider",
                java.util.List.of(PostgresRoleRotatorProvider.class.getName())),
            org.assertj.core.groups.Tuple.tuple("dev.breakglass.spi.AuditSinkProvider",
                java.util.List.of(PostgresAuditSinkProvider.class.getName())),
            org.assertj.core.groups.Tuple.tuple("dev.breakglass.spi.CheckpointWitnessProvider",
                java.util.List.of(PostgresCheckpointWitnessProvider.class.getName())),
            org.assertj.core.groups.Tuple.tuple("dev.breakglass.spi.GrantStoreProvider",
                java.util.List.of(PostgresGrantStoreProvider.class.getName())),
            org.assertj.core.groups.Tuple.tuple("dev.breakglass.spi.WorkerLeaseProvider",
                java.util.List.of(PostgresWorkerLeaseProvider.class.getName())));
  }

  @Test
  void serviceFiles_nameTheAuditSinkAndWitnessProviders() throws IOException {
    for (var e : java.util.Map.of("dev.breakglass.spi.AuditSinkProvider", PostgresAuditSinkProvider.class,
        "dev.breakglass.spi.CheckpointWitnessProvider", PostgresCheckpointWitnessProvider.class,
        "dev.breakglass.spi.GrantStoreProvider", PostgresGrantStoreProvider.class,
        "dev.breakglass.spi.WorkerLeaseProvider", PostgresWorkerLeaseProvider.class).entrySet()) {
      try (InputStream in = ModuleTest.class.getResourceAsStream("/META-INF/services/" + e.getKey())) {
        assertThat(in).as(e.getKey()).isNotNull();
        assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip())
            .isEqualTo(e.getValue().getName());
      }
    }
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

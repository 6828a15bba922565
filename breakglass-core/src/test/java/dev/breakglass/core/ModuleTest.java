package dev.breakglass.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Pins what breakglass-core exports and provides, so the engine's internals cannot leak by accident. */
class ModuleTest {
  static ModuleDescriptor descriptor() throws Exception {
    try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      return ModuleDescriptor.read(in);
    }
  }

  @Test
  void exportsOnlyTheOperatorAndConfigurationPackages() throws Exception {
    ModuleDescriptor d = descriptor();
    assertThat(d.name()).isEqualTo("dev.breakglass.core");
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("dev.breakglass.core", "dev.breakglass.core.audit", "dev.breakglass.core.alert",
            "dev.breakglass.core.evidence", "dev.breakglass.core.alert.channel", "dev.breakglass.core.approval",
            "dev.breakglass.core.health", "dev.breakglass.core.policy",
            "dev.breakglass.core.retry", "dev.breakglass.core.rotation", "dev.breakglass.core.vault");
    assertThat(d.packages()).contains("dev.breakglass.core.internal");
  }

  @Test
  void fileAndThrottlePlumbingIsNotPublicApi() throws Exception {
    // AtomicFile and VaultFiles moved to dev.breakglass.spi.files; the throttle is the vaults' own business.
    assertThat(Path.of("target/classes/dev/breakglass/core/vault/AtomicFile.class")).doesNotExist();
    assertThat(Path.of("target/classes/dev/breakglass/core/vault/VaultFiles.class")).doesNotExist();
    Class<?> throttle = Class.forName("dev.breakglass.core.vault.UnlockThrottle");
    assertThat(java.lang.reflect.Modifier.isPublic(throttle.getModifiers())).isFalse();
  }

  @Test
  void usesEveryProviderTypeItLoads() throws Exception {
    assertThat(descriptor().uses()).contains("dev.breakglass.spi.CredentialVaultProvider",
        "dev.breakglass.spi.AlertChannelProvider", "dev.breakglass.spi.HealthProbeProvider",
        "dev.breakglass.spi.CredentialRotatorProvider", "dev.breakglass.spi.GrantStoreProvider",
        "dev.breakglass.spi.CheckpointWitnessProvider", "dev.breakglass.spi.WorkerLeaseProvider");
  }

  @Test
  void registersEveryBuiltInProviderInTheModuleAndInMetaInfServices() throws Exception {
    Map<String, Set<String>> provides = descriptor().provides().stream().collect(Collectors.toMap(
        ModuleDescriptor.Provides::service, p -> Set.copyOf(p.providers())));
    assertThat(provides).containsKeys("dev.breakglass.BreakGlassFactory", "dev.breakglass.spi.GrantStoreProvider",
        "dev.breakglass.spi.HealthProbeProvider", "dev.breakglass.spi.CredentialRotatorProvider",
        "dev.breakglass.spi.CredentialVaultProvider", "dev.breakglass.spi.CheckpointWitnessProvider",
        "dev.breakglass.spi.WorkerLeaseProvider");
    for (Map.Entry<String, Set<String>> e : provides.entrySet()) {
      Path services = Path.of("target/classes/META-INF/services", e.getKey());
      assertThat(services).as("META-INF/services for " + e.getKey()).exists();
      Set<String> listed = Files.readAllLines(services).stream().map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .collect(Collectors.toSet());
      assertThat(listed).as("providers of " + e.getKey()).isEqualTo(e.getValue());
    }
  }
}

package dev.breakglass.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModuleTest {
  @Test
  void exportsTheSpiAndDurableFilePackagesAndUsesEveryProviderType() throws Exception {
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertThat(d.name()).isEqualTo("dev.breakglass.spi");
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("dev.breakglass.spi", "dev.breakglass.spi.files");
    assertThat(d.uses()).containsExactlyInAnyOrder(CredentialVaultProvider.class.getName(),
        AlertChannelProvider.class.getName(), HealthProbeProvider.class.getName(),
        CredentialRotatorProvider.class.getName(), GrantStoreProvider.class.getName(),
        ApprovalSignatureVerifierProvider.class.getName(),
        CheckpointWitnessProvider.class.getName(), AuditSinkProvider.class.getName(),
        WorkerLeaseProvider.class.getName());
  }
}

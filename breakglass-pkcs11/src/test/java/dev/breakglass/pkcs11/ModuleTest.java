package dev.breakglass.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Pins what the PKCS#11 plugin exports and needs: a plugin depends on api and spi, never on the engine. */
class ModuleTest {
  @Test
  void exportsOnlyItsPackageAndNeedsNoEngine() throws Exception {
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertThat(d.name()).isEqualTo("dev.breakglass.pkcs11");
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
        .containsExactly("dev.breakglass.pkcs11");
    assertThat(d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()))
        .contains("dev.breakglass.spi").doesNotContain("dev.breakglass.core");
    assertThat(d.provides()).singleElement().satisfies(p -> {
      assertThat(p.service()).isEqualTo("dev.breakglass.spi.CredentialVaultProvider");
      assertThat(p.providers()).containsExactly(Pkcs11VaultProvider.class.getName());
    });
  }
}

package dev.breakglass.webauthn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The WebAuthn module exports its one package and provides the verifier through ServiceLoader. */
class ModuleTest {
  @Test
  void exportsOnePackageAndProvidesTheVerifier() throws Exception {
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
        .containsExactly("dev.breakglass.webauthn");
    assertThat(d.provides()).singleElement().satisfies(p -> {
      assertThat(p.service()).isEqualTo("dev.breakglass.spi.ApprovalSignatureVerifierProvider");
      assertThat(p.providers()).containsExactly(WebAuthnVerifierProvider.class.getName());
    });
    assertThat(Path.of("target/classes/META-INF/services/dev.breakglass.spi.ApprovalSignatureVerifierProvider"))
        .hasContent(WebAuthnVerifierProvider.class.getName());
  }
}

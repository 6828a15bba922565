package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ProviderException;
import dev.breakglass.core.BreakGlassEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors a first user meets while configuring: each names the full property key. */
class ConfigurationKeysTest {
  @TempDir Path dir;

  @Test
  void settingsOfTheDefaultVaultNeedNoSelector() {
    Components components = new Components(Map.of("vault.file.passphrase-env", "BREAKGLASS_VAULT_PASSPHRASE",
        "grant-store.memory.unused", "x"), Clock.systemUTC(), dir);
    assertThatCode(components::checkProperties).as("file is the default vault, memory the default store")
        .doesNotThrowAnyException();
  }

  @Test
  void settingsOfAnUnselectedVaultAreStillRejectedByName() {
    Components components = new Components(Map.of("vault.pkcs11.library", "/usr/lib/softhsm.so"),
        Clock.systemUTC(), dir);
    assertThatThrownBy(components::checkProperties).isInstanceOf(ProviderException.class)
        .hasMessageContaining("vault.pkcs11.library");
  }

  @Test
  void theVaultRotatorNamesItsFullKeyWhenAccountsAreMissing() {
    assertThatThrownBy(() -> BreakGlassEngine.builder()
        .policy(EngineFixture.defaultPolicy())
        .dataDirectory(dir)
        .vault(new MapVault())
        .fingerprintKey(new byte[32])
        .background(false)
        .property("rotators", "vault")
        .build())
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("'rotator.vault.accounts'");
  }

  @Test
  void anUnknownProviderNameNamesItsSelectorKey() {
    assertThatThrownBy(() -> BreakGlassEngine.builder()
        .policy(EngineFixture.defaultPolicy())
        .dataDirectory(dir)
        .vault(new MapVault())
        .fingerprintKey(new byte[32])
        .background(false)
        .property("probes", "oidc,nosuch")
        .property("probe.oidc.issuer", "https://login.example.com")
        .build())
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("property 'probes'")
        .hasMessageContaining("'nosuch'");
  }
}

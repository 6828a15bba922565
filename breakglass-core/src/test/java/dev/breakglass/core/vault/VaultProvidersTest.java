package dev.breakglass.core.vault;

import static dev.breakglass.core.vault.TestVaults.FAST;
import static dev.breakglass.core.vault.TestVaults.passphrase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.Credential;
import dev.breakglass.ProviderException;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.CredentialVaultProvider;
import dev.breakglass.spi.ProviderContext;
import dev.breakglass.spi.SealedCredentialVault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultProvidersTest {
  @TempDir Path dir;
  private final Map<String, String> env = new HashMap<>(Map.of("BG_VAULT_PASS", TestVaults.PASSPHRASE));

  private ProviderContext context(String provider, Map<String, String> properties) {
    return new ProviderContext(provider, properties, Clock.systemUTC(), dir, env::get).withKeyPrefix("vault." + provider + ".");
  }

  private boolean posix() throws Exception {
    return Files.getFileStore(dir).supportsFileAttributeView("posix");
  }

  @Test
  void serviceLoaderFindsTheFileAndSealedFileProviders() {
    Map<String, CredentialVaultProvider> byName = ServiceLoader.load(CredentialVaultProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .collect(Collectors.toMap(CredentialVaultProvider::name, p -> p));
    assertThat(byName.get("file")).isInstanceOf(FileVaultProvider.class);
    assertThat(byName.get("sealed-file")).isInstanceOf(SealedFileVaultProvider.class);
  }

  @Test
  void fileProviderOpensTheDefaultPathWithAPassphraseFromTheEnvironment() {
    EncryptedFileVault.create(dir.resolve("vault.json"), passphrase(), FAST).close();
    try (EncryptedFileVault v = EncryptedFileVault.open(dir.resolve("vault.json"), passphrase())) {
      v.write("acct", "from-setup".toCharArray());
    }
    try (CredentialVault vault = new FileVaultProvider().create(context("file", Map.of("passphrase-env", "BG_VAULT_PASS")));
         Credential c = vault.read("acct")) {
      assertThat(vault).isInstanceOf(EncryptedFileVault.class);
      assertThat(new String(c.secret())).isEqualTo("from-setup");
    }
  }

  @Test
  void fileProviderReadsThePassphraseFileWithoutItsTrailingNewline() throws Exception {
    Path pass = dir.resolve("pass.txt");
    Files.writeString(pass, TestVaults.PASSPHRASE + "\n");
    if (posix()) {
      Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
    }
    EncryptedFileVault.create(dir.resolve("custom.json"), passphrase(), FAST).close();
    try (CredentialVault vault = new FileVaultProvider().create(context("file",
        Map.of("path", "custom.json", "passphrase-file", "pass.txt")))) {
      assertThat(((EncryptedFileVault) vault).file()).isEqualTo(dir.resolve("custom.json").toAbsolutePath().normalize());
    }
  }

  @Test
  void aPassphraseFileOthersCanRead_isRefused() throws Exception {
    Path pass = dir.resolve("pass.txt");
    Files.writeString(pass, TestVaults.PASSPHRASE);
    if (!posix()) {
      // Without POSIX permissions there is nothing to check, and the file is accepted.
      EncryptedFileVault.create(dir.resolve("vault.json"), passphrase(), FAST).close();
      new FileVaultProvider().create(context("file", Map.of("passphrase-file", "pass.txt"))).close();
      return;
    }
    Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> new FileVaultProvider().create(context("file", Map.of("passphrase-file", "pass.txt"))))
        .isInstanceOf(ProviderException.class).hasMessageContaining("'vault.file.passphrase-file'").hasMessageContaining(pass.toString())
        .hasMessageContaining("chmod 600 " + pass);
    Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-r-----"));
    assertThatThrownBy(() -> new FileVaultProvider().create(context("file", Map.of("passphrase-file", "pass.txt"))))
        .as("group-readable is refused too").hasMessageContaining("chmod 600 " + pass);
  }

  @Test
  void createIfMissingCreatesAnEmptyVaultWithTheConfiguredArgon2Cost() {
    try (CredentialVault vault = new FileVaultProvider().create(context("file", Map.of(
        "passphrase-env", "BG_VAULT_PASS", "create-if-missing", "true",
        "argon2-memory-kib", "20480", "argon2-iterations", "2", "argon2-parallelism", "1")))) {
      assertThat(vault.accounts()).isEmpty();
      assertThat(((EncryptedFileVault) vault).kdf()).isEqualTo(Argon2Parameters.of(20480, 2, 1));
    }
    assertThat(dir.resolve("vault.json")).exists();
  }

  @Test
  void aMissingVaultFileIsAnErrorUnlessCreationIsAsked() {
    assertThatThrownBy(() -> new FileVaultProvider().create(context("file", Map.of("passphrase-env", "BG_VAULT_PASS"))))
        .isInstanceOf(ProviderException.class).hasMessageContaining("does not exist").hasMessageContaining("create-if-missing");
  }

  @Test
  void missingOrDoublePassphraseConfigurationIsNamed() {
    assertThatThrownBy(() -> new FileVaultProvider().create(context("file", Map.of())))
        .isInstanceOf(ProviderException.class).hasMessageContaining("passphrase-env").hasMessageContaining("passphrase-file");
    assertThatThrownBy(() -> new FileVaultProvider().create(context("file",
        Map.of("passphrase-env", "BG_VAULT_PASS", "passphrase-file", "p"))))
        .isInstanceOf(ProviderException.class).hasMessageContaining("only one");
    assertThatThrownBy(() -> new FileVaultProvider().create(context("file", Map.of("passphrase-env", "NOT_SET"))))
        .isInstanceOf(ProviderException.class).hasMessageContaining("'NOT_SET'").hasMessageContaining("not set");
  }

  @Test
  void badPropertyValuesAreNamed() {
    assertThatThrownBy(() -> new FileVaultProvider().create(context("file",
        Map.of("passphrase-env", "BG_VAULT_PASS", "create-if-missing", "yes"))))
        .isInstanceOf(ProviderException.class).hasMessageContaining("create-if-missing").hasMessageContaining("'yes'");
    assertThatThrownBy(() -> new FileVaultProvider().create(context("file",
        Map.of("passphrase-env", "BG_VAULT_PASS", "argon2-iterations", "0"))))
        .isInstanceOf(ProviderException.class).hasMessageContaining("iterations");
  }

  @Test
  void sealedFileProviderOpensASealedVault() {
    SealedFileVault.Created created = SealedFileVault.create(dir.resolve("sealed-vault.json"), passphrase(), FAST, 2,
        List.of("a", "b", "c"));
    created.shares().forEach(CustodianShare::close);
    created.vault().close();
    try (CredentialVault vault = new SealedFileVaultProvider().create(context("sealed-file",
        Map.of("passphrase-env", "BG_VAULT_PASS")))) {
      assertThat(vault).isInstanceOf(SealedCredentialVault.class);
      assertThat(((SealedCredentialVault) vault).threshold()).isEqualTo(2);
    }
  }

  @Test
  void sealedFileProviderNeverCreatesAVault() {
    assertThatThrownBy(() -> new SealedFileVaultProvider().create(context("sealed-file",
        Map.of("passphrase-env", "BG_VAULT_PASS"))))
        .isInstanceOf(ProviderException.class).hasMessageContaining("SealedFileVault.create");
    assertThat(dir.resolve("sealed-vault.json")).doesNotExist();
  }
}

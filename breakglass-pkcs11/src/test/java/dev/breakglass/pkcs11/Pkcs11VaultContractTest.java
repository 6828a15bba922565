package dev.breakglass.pkcs11;

import dev.breakglass.spi.CredentialVault;
import dev.breakglass.tck.CredentialVaultContract;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

class Pkcs11VaultContractTest extends CredentialVaultContract {
  @TempDir Path dir;

  @Override
  protected CredentialVault newVault() {
    SoftHsmToken token = SoftHsmToken.get();
    String label = "tck-" + UUID.randomUUID();
    return Pkcs11Vault.builder().library(token.library).slotListIndex(token.slotListIndex).keyLabel(label)
        .file(dir.resolve(label + ".json")).createIfMissing(true).open(token.pin());
  }

  @Override
  protected CredentialVault reopen(CredentialVault vault) {
    SoftHsmToken token = SoftHsmToken.get();
    Pkcs11Vault v = (Pkcs11Vault) vault;
    Path file = v.file();
    String label = v.keyLabel();
    vault.close();
    return Pkcs11Vault.builder().library(token.library).slotListIndex(token.slotListIndex).keyLabel(label)
        .file(file).open(token.pin());
  }
}

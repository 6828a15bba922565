package dev.breakglass.core.vault;

import dev.breakglass.spi.CredentialVault;
import dev.breakglass.tck.CredentialVaultContract;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

class EncryptedFileVaultContractTest extends CredentialVaultContract {
  @TempDir Path dir;
  private final AtomicInteger counter = new AtomicInteger();

  @Override
  protected CredentialVault newVault() {
    return EncryptedFileVault.create(dir.resolve("vault-" + counter.incrementAndGet() + ".json"),
        TestVaults.passphrase(), TestVaults.FAST);
  }

  @Override
  protected CredentialVault reopen(CredentialVault vault) {
    Path file = ((EncryptedFileVault) vault).file();
    vault.close();
    return EncryptedFileVault.open(file, TestVaults.passphrase(), new UnlockThrottle(java.time.Clock.systemUTC()));
  }
}

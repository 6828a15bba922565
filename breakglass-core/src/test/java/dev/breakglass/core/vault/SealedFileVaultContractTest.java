package dev.breakglass.core.vault;

import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.SealedCredentialVault;
import dev.breakglass.tck.SealedCredentialVaultContract;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class SealedFileVaultContractTest extends SealedCredentialVaultContract {
  static final List<String> CUSTODIANS = List.of("alice", "bob", "carol");

  @TempDir Path dir;
  private final AtomicInteger counter = new AtomicInteger();
  /** The paper form of every vault's shares, by vault id. */
  private final Map<java.util.UUID, Map<String, char[]>> paper = new ConcurrentHashMap<>();

  @Override
  protected SealedCredentialVault newSealedVault() {
    SealedFileVault.Created created = SealedFileVault.create(dir.resolve("sealed-" + counter.incrementAndGet() + ".json"),
        TestVaults.passphrase(), TestVaults.FAST, 2, CUSTODIANS);
    Map<String, char[]> encoded = new LinkedHashMap<>();
    for (CustodianShare share : created.shares()) {
      encoded.put(share.custodian(), share.encode());
      share.close();
    }
    paper.put(created.vault().vaultId(), encoded);
    return created.vault();
  }

  @Override
  protected Map<String, char[]> shares(SealedCredentialVault vault) {
    Map<String, char[]> copy = new LinkedHashMap<>();
    paper.get(((SealedFileVault) vault).vaultId()).forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  @Override
  protected Map<String, char[]> sharesOfAnotherVault(SealedCredentialVault vault) {
    SealedCredentialVault other = newSealedVault();
    try {
      return shares(other);
    } finally {
      other.close();
    }
  }

  @Override
  protected CredentialVault reopen(CredentialVault vault) {
    Path file = ((SealedFileVault) vault).file();
    vault.close();
    return SealedFileVault.open(file, TestVaults.passphrase(), new UnlockThrottle(java.time.Clock.systemUTC()));
  }

  @AfterEach
  void wipePaper() {
    paper.values().forEach(m -> m.values().forEach(a -> java.util.Arrays.fill(a, '\0')));
  }
}

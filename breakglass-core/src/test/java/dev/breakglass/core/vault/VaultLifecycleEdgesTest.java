package dev.breakglass.core.vault;

import static dev.breakglass.core.vault.TestVaults.FAST;
import static dev.breakglass.core.vault.TestVaults.passphrase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.Credential;
import dev.breakglass.VaultException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the file vaults do across their life: generations that only grow, passphrase changes, closed
 * vaults that refuse to write, custodians who leave with a reseal, and the limits of a sealing.
 */
class VaultLifecycleEdgesTest {
  private static final List<String> CUSTODIANS = List.of("carol", "dave", "erin");

  @TempDir Path dir;

  private Path file;
  private SealedFileVault vault;
  private final Map<String, char[]> paper = new LinkedHashMap<>();

  @BeforeEach
  void setUp() {
    file = dir.resolve("sealed.json");
    SealedFileVault.Created created = SealedFileVault.create(file, passphrase(), FAST, 2, CUSTODIANS);
    vault = created.vault();
    for (CustodianShare s : created.shares()) {
      paper.put(s.custodian(), s.encode());
      s.close();
    }
    vault.write("db", "sealed-secret".toCharArray());
  }

  @AfterEach
  void tearDown() {
    vault.close();
  }

  private Map<String, char[]> sharesOf(String... custodians) {
    Map<String, char[]> m = new LinkedHashMap<>();
    for (String c : custodians) {
      m.put(c, paper.get(c).clone());
    }
    return m;
  }

  @Test
  void everyChange_raisesTheGeneration() {
    long afterWrite = vault.generation();
    assertThat(afterWrite).isEqualTo(1);

    List<CustodianShare> next = vault.reseal(sharesOf("carol", "dave"), 2, CUSTODIANS);
    next.forEach(CustodianShare::close);
    assertThat(vault.generation()).isEqualTo(2);

    vault.changePassphrase("another passphrase".toCharArray(), FAST);
    assertThat(vault.generation()).isEqualTo(3);
  }

  @Test
  void changingTheSealedVaultsPassphrase_keepsItsCredentials_andRetiresTheOldPassphrase() {
    char[] next = "another passphrase".toCharArray();
    vault.changePassphrase(next.clone(), FAST);
    vault.close();

    assertThatThrownBy(() -> SealedFileVault.open(file, passphrase(), new UnlockThrottle(Clock.systemUTC())))
        .hasMessageContaining("wrong passphrase");
    vault = SealedFileVault.open(file, next, new UnlockThrottle(Clock.systemUTC()));
    try (Credential c = vault.read("db", sharesOf("dave", "erin"))) {
      assertThat(new String(c.secret())).isEqualTo("sealed-secret");
    }
  }

  @Test
  void anEmptyPassphrase_isRefusedOnCreateAndOnChange() {
    assertThatThrownBy(() -> SealedFileVault.create(dir.resolve("other.json"), new char[0], FAST, 2, CUSTODIANS))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("passphrase must not be empty");
    assertThat(dir.resolve("other.json")).doesNotExist();
    assertThatThrownBy(() -> vault.changePassphrase(new char[0], FAST))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("passphrase must not be empty");
    assertThat(vault.generation()).isEqualTo(1);
    try (EncryptedFileVault plain = EncryptedFileVault.create(dir.resolve("plain.json"), passphrase(), FAST)) {
      assertThatThrownBy(() -> plain.changePassphrase(new char[0], FAST))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("passphrase must not be empty");
      assertThat(plain.generation()).isZero();
    }
  }

  @Test
  void aClosedVault_refusesToChangeItsPassphraseOrReseal_andTheFileStillOpens() throws Exception {
    byte[] before = Files.readAllBytes(file);
    vault.close();

    assertThatThrownBy(vault::accounts).isInstanceOf(VaultException.class).hasMessageContaining("is closed");
    assertThatThrownBy(() -> vault.changePassphrase("another passphrase".toCharArray(), FAST))
        .isInstanceOf(VaultException.class).hasMessageContaining("is closed");
    assertThatThrownBy(() -> vault.reseal(sharesOf("carol", "dave"), 2, CUSTODIANS))
        .isInstanceOf(VaultException.class).hasMessageContaining("is closed");

    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    vault = SealedFileVault.open(file, passphrase(), new UnlockThrottle(Clock.systemUTC()));
    assertThat(vault.accounts()).containsExactly("db");
  }

  @Test
  void aClosedPlainVault_refusesToChangeItsPassphrase_andKeepsTheOldOne() throws Exception {
    Path plainFile = dir.resolve("plain.json");
    EncryptedFileVault plain = EncryptedFileVault.create(plainFile, passphrase(), FAST);
    plain.write("a", "x".toCharArray());
    plain.close();

    assertThatThrownBy(() -> plain.changePassphrase("another passphrase".toCharArray(), FAST))
        .isInstanceOf(VaultException.class).hasMessageContaining("is closed");

    try (EncryptedFileVault reopened = EncryptedFileVault.open(plainFile, passphrase(),
        new UnlockThrottle(Clock.systemUTC()))) {
      assertThat(reopened.accounts()).containsExactly("a");
    }
  }

  @Test
  void anUnknownAccount_isReportedAsUnknown_withOrWithoutShares() {
    assertThatThrownBy(() -> vault.read("ghost"))
        .isInstanceOf(VaultException.class).hasMessageContaining("holds no credential for account 'ghost'");
    assertThatThrownBy(() -> vault.read("ghost", sharesOf("carol", "dave")))
        .isInstanceOf(VaultException.class).hasMessageContaining("holds no credential for account 'ghost'");
    assertThatThrownBy(() -> vault.read("db"))
        .isInstanceOf(VaultException.class).hasMessageContaining("is sealed: reading the credential of 'db' needs"
            + " the shares of 2 of its custodians [carol, dave, erin]");
  }

  @Test
  void aMissingShareText_namesItsCustodian() {
    Map<String, char[]> shares = new HashMap<>(sharesOf("carol"));
    shares.put("dave", null);

    assertThatThrownBy(() -> vault.read("db", shares))
        .isInstanceOf(NullPointerException.class).hasMessage("share of dave");
  }

  @Test
  void aCustodianRemovedByAReseal_isNoLongerACustodian_andTheErrorListsTheCurrentOnes() {
    vault.reseal(sharesOf("carol", "dave"), 2, List.of("carol", "dave", "frank")).forEach(CustodianShare::close);

    assertThatThrownBy(() -> vault.read("db", sharesOf("erin")))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("'erin' is not a custodian of vault")
        .hasMessageEndingWith("(its custodians: [carol, dave, frank])");
  }

  @Test
  void toString_namesTheFileAndTheVaultId() {
    assertThat(vault).hasToString("SealedFileVault[" + vault.file() + ", id=" + vault.vaultId() + "]");
    try (EncryptedFileVault plain = EncryptedFileVault.create(dir.resolve("plain.json"), passphrase(), FAST)) {
      assertThat(plain).hasToString("EncryptedFileVault[" + plain.file() + ", id=" + plain.vaultId() + "]");
    }
  }

  @Test
  void aSealingOf255Custodians_isTheLargest() {
    List<String> many = new ArrayList<>();
    for (int i = 1; i <= 256; i++) {
      many.add("c" + i);
    }
    SealedFileVault.Created created = SealedFileVault.create(dir.resolve("many.json"), passphrase(), FAST, 2,
        many.subList(0, 255));
    try (SealedFileVault large = created.vault()) {
      assertThat(large.custodians()).hasSize(255);
      assertThat(created.share("c255").index()).isEqualTo(255);
      assertThat(created.share("c2").custodian()).isEqualTo("c2");
      assertThatThrownBy(() -> created.share("c256")).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no share for custodian 'c256'");
    } finally {
      created.shares().forEach(CustodianShare::close);
    }
    assertThatThrownBy(() -> SealedFileVault.create(dir.resolve("too-many.json"), passphrase(), FAST, 2, many))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("at most 255 custodians, got 256");
  }

  @Test
  void anEntryHoldingAnEmptyValue_isWellFormed() {
    Path plainFile = dir.resolve("store.json");
    UUID id = UUID.randomUUID();
    try (FileVaultStore store = FileVaultStore.create(plainFile, id, passphrase(), FAST, null)) {
      store.write("empty", new byte[0]);
      assertThat(store).hasToString("vault " + plainFile.toAbsolutePath().normalize());
    }
    try (FileVaultStore store = FileVaultStore.open(plainFile, passphrase(), new UnlockThrottle(Clock.systemUTC()),
        false)) {
      assertThat(store.read("empty")).isEmpty();
    }
  }

  @Test
  void aClosedStore_refusesToRewriteItsEntries() throws Exception {
    Path storeFile = dir.resolve("store.json");
    FileVaultStore store = FileVaultStore.create(storeFile, UUID.randomUUID(), passphrase(), FAST, null);
    store.write("a", new byte[] {1, 2, 3});
    store.close();
    byte[] before = Files.readAllBytes(storeFile);

    assertThatThrownBy(() -> store.rewriteAll(null, (account, plain) -> plain.clone()))
        .isInstanceOf(VaultException.class).hasMessageContaining("is closed");
    assertThat(Files.readAllBytes(storeFile)).isEqualTo(before);
  }
}

package dev.breakglass.core.vault;

import static dev.breakglass.core.vault.TestVaults.FAST;
import static dev.breakglass.core.vault.TestVaults.passphrase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.breakglass.Credential;
import dev.breakglass.VaultException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class SealedFileVaultTest {
  private static final String CANARY = "canary-Zq7!vX2#pL9-secret";
  private static final List<String> CUSTODIANS = List.of("alice", "bob", "carol");

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
    vault.write("prod-db-admin", CANARY.toCharArray());
  }

  @AfterEach
  void tearDown() {
    vault.close();
    paper.values().forEach(a -> java.util.Arrays.fill(a, '\0'));
  }

  private Map<String, char[]> sharesOf(String... custodians) {
    Map<String, char[]> m = new LinkedHashMap<>();
    for (String c : custodians) {
      m.put(c, paper.get(c).clone());
    }
    return m;
  }

  private List<String> allGroups() {
    List<String> out = new ArrayList<>();
    for (char[] p : paper.values()) {
      for (String line : new String(p).split("\n")) {
        if (!line.contains(":") && !line.startsWith("BREAKGLASS")) {
          for (String g : line.split("\\s+")) {
            if (g.length() == 5) {
              out.add(g);
            }
          }
        }
      }
    }
    return out;
  }

  private void assertNoSecretIn(Throwable e) {
    String trace = CredentialTraces.of(e);
    assertThat(trace).doesNotContain(CANARY);
    for (String g : allGroups()) {
      assertThat(trace).doesNotContain(g);
    }
  }

  @Test
  void sharesRecordCustodianIndexThresholdAndVault() {
    for (int i = 0; i < CUSTODIANS.size(); i++) {
      try (CustodianShare s = CustodianShare.parse(paper.get(CUSTODIANS.get(i)))) {
        assertThat(s.custodian()).isEqualTo(CUSTODIANS.get(i));
        assertThat(s.index()).isEqualTo(i + 1);
        assertThat(s.threshold()).isEqualTo(2);
        assertThat(s.shareCount()).isEqualTo(3);
        assertThat(s.vaultId()).isEqualTo(vault.vaultId());
      }
    }
    assertThat(vault.threshold()).isEqualTo(2);
    assertThat(vault.custodians()).containsExactlyElementsOf(CUSTODIANS);
  }

  @Test
  void thePassphraseAloneCannotReadACredential() {
    Throwable e = catchThrowable(() -> vault.read("prod-db-admin"));
    assertThat(e).isInstanceOf(VaultException.class).hasMessageContaining("sealed").hasMessageContaining("2 of its custodians");
    assertNoSecretIn(e);
  }

  @Test
  void twoCustodiansReadTheCredential() {
    try (Credential c = vault.read("prod-db-admin", sharesOf("alice", "carol"))) {
      assertThat(new String(c.secret())).isEqualTo(CANARY);
    }
  }

  @Test
  void oneShareIsNotEnoughAndTheErrorSaysWhoWasThere() {
    Throwable e = catchThrowable(() -> vault.read("prod-db-admin", sharesOf("bob")));
    assertThat(e).isInstanceOf(VaultException.class)
        .hasMessageContaining("needs the shares of 2 custodians, got 1 [bob]");
    assertNoSecretIn(e);
  }

  @Test
  void aShareWithAValidFormButAWrongValueIsRejectedByCustodianNotTurnedIntoAWrongKey() {
    try (CustodianShare real = CustodianShare.parse(paper.get("bob"))) {
      byte[] forged = real.value().clone();
      forged[7] ^= 0x40;
      CustodianShare fake = new CustodianShare(real.vaultId(), "bob", real.index(), real.threshold(), real.shareCount(), forged);
      Map<String, char[]> shares = sharesOf("alice");
      shares.put("bob", fake.encode());
      Throwable e = catchThrowable(() -> vault.read("prod-db-admin", shares));
      assertThat(e).isInstanceOf(VaultException.class)
          .hasMessageContaining("the share of custodian 'bob' does not match vault");
      assertNoSecretIn(e);
    }
  }

  @Test
  void aShareWithAWrongIndexIsRejected() {
    try (CustodianShare real = CustodianShare.parse(paper.get("bob"))) {
      CustodianShare moved = new CustodianShare(real.vaultId(), "bob", 3, real.threshold(), real.shareCount(), real.value().clone());
      Map<String, char[]> shares = sharesOf("alice");
      shares.put("bob", moved.encode());
      assertThatThrownBy(() -> vault.read("prod-db-admin", shares)).hasMessageContaining("'bob' does not match");
    }
  }

  @Test
  void aShareFromAnotherVaultIsRejectedNamingBothVaults() {
    SealedFileVault.Created other = SealedFileVault.create(dir.resolve("other.json"), passphrase(), FAST, 2, CUSTODIANS);
    Map<String, char[]> shares = sharesOf("alice");
    shares.put("bob", other.share("bob").encode());
    other.vault().close();
    Throwable e = catchThrowable(() -> vault.read("prod-db-admin", shares));
    assertThat(e).isInstanceOf(VaultException.class)
        .hasMessageContaining("presented by 'bob' belongs to vault " + other.vault().vaultId())
        .hasMessageContaining(vault.vaultId().toString());
    assertNoSecretIn(e);
  }

  @Test
  void aSharePresentedByTheWrongCustodianIsRejected() {
    Map<String, char[]> shares = new LinkedHashMap<>();
    shares.put("alice", paper.get("alice").clone());
    shares.put("bob", paper.get("carol").clone());
    assertThatThrownBy(() -> vault.read("prod-db-admin", shares))
        .hasMessageContaining("presented by 'bob' is the share of custodian 'carol'");
  }

  @Test
  void aStrangerIsNotACustodian() {
    SealedFileVault.Created other = SealedFileVault.create(dir.resolve("o.json"), passphrase(), FAST, 2, List.of("mallory", "eve"));
    Map<String, char[]> shares = sharesOf("alice");
    shares.put("mallory", other.share("mallory").encode());
    other.vault().close();
    assertThatThrownBy(() -> vault.read("prod-db-admin", shares)).hasMessageContaining("belongs to vault");
  }

  @Test
  void aMistypedShareIsLocatedByCustodianAndGroup() {
    Map<String, char[]> shares = sharesOf("alice", "bob");
    char[] bob = shares.get("bob");
    String text = new String(bob);
    int firstGroupLine = text.indexOf("\n", text.indexOf("share:")) + 1;
    bob[firstGroupLine + 7] = bob[firstGroupLine + 7] == 'A' ? 'B' : 'A';
    Throwable e = catchThrowable(() -> vault.read("prod-db-admin", shares));
    assertThat(e).isInstanceOf(ShareFormatException.class)
        .hasMessageContaining("presented by 'bob' cannot be read: group 2 of");
    assertThat(((ShareFormatException) e).group()).isEqualTo(2);
    assertNoSecretIn(e);
  }

  @Test
  void anAlteredSealingRecordIsCaughtByTheFileMac() throws Exception {
    vault.close();
    JsonMapper json = JsonMapper.builder().build();
    ObjectNode root = (ObjectNode) json.readTree(Files.readAllBytes(file));
    ((ObjectNode) root.get("sealing")).put("threshold", 3);
    Files.write(file, json.writeValueAsBytes(root));
    assertThatThrownBy(() -> SealedFileVault.open(file, passphrase(), new UnlockThrottle(Clock.systemUTC())))
        .hasMessageContaining("integrity check failed");
  }

  @Test
  void readingLeavesTheSharesWithTheCallerToWipe() {
    Map<String, char[]> shares = sharesOf("alice", "bob");
    char[] before = shares.get("alice").clone();
    vault.read("prod-db-admin", shares).close();
    assertThat(shares.get("alice")).isEqualTo(before);
  }

  @Test
  void rotationWritesWithoutCustodiansAndSurvivesReopen() {
    vault.write("prod-db-admin", "rotated-1".toCharArray());
    vault.close();
    vault = SealedFileVault.open(file, passphrase(), new UnlockThrottle(Clock.systemUTC()));
    try (Credential c = vault.read("prod-db-admin", sharesOf("bob", "carol"))) {
      assertThat(new String(c.secret())).isEqualTo("rotated-1");
    }
  }

  @Test
  void checkSharesVerifiesAQuorumWithoutReadingAnything() {
    vault.checkShares(sharesOf("alice", "bob"));
    assertThatThrownBy(() -> vault.checkShares(sharesOf("alice"))).hasMessageContaining("needs the shares of 2");
  }

  @Test
  void resealingHandsOutNewSharesKeepsCredentialsAndRetiresOldShares() {
    vault.write("backup", "second".toCharArray());
    List<CustodianShare> fresh = vault.reseal(sharesOf("alice", "bob"), 3, List.of("alice", "dave", "erin", "frank"));
    Map<String, char[]> newPaper = new LinkedHashMap<>();
    fresh.forEach(s -> {
      newPaper.put(s.custodian(), s.encode());
      s.close();
    });
    assertThat(vault.threshold()).isEqualTo(3);
    assertThat(vault.custodians()).containsExactly("alice", "dave", "erin", "frank");
    Map<String, char[]> three = new LinkedHashMap<>();
    three.put("dave", newPaper.get("dave"));
    three.put("erin", newPaper.get("erin"));
    three.put("frank", newPaper.get("frank"));
    try (Credential a = vault.read("prod-db-admin", three); Credential b = vault.read("backup", three)) {
      assertThat(new String(a.secret())).isEqualTo(CANARY);
      assertThat(new String(b.secret())).isEqualTo("second");
    }
    Map<String, char[]> old = sharesOf("alice", "bob", "carol");
    assertThatThrownBy(() -> vault.read("prod-db-admin", old)).isInstanceOf(VaultException.class);
  }

  @Test
  void aFailedResealChangesNothing() throws Exception {
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(() -> vault.reseal(sharesOf("alice"), 2, List.of("x", "y"))).hasMessageContaining("needs the shares");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThatThrownBy(() -> vault.reseal(sharesOf("alice", "bob"), 1, List.of("x", "y"))).hasMessageContaining("threshold");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void creationValidatesThresholdAndCustodians() {
    Path f = dir.resolve("v.json");
    assertThatThrownBy(() -> SealedFileVault.create(f, passphrase(), FAST, 1, CUSTODIANS)).hasMessageContaining("two people");
    assertThatThrownBy(() -> SealedFileVault.create(f, passphrase(), FAST, 4, CUSTODIANS)).hasMessageContaining("threshold must be 2..3");
    assertThatThrownBy(() -> SealedFileVault.create(f, passphrase(), FAST, 2, List.of("a", "a", "b"))).hasMessageContaining("listed twice");
    assertThat(f).doesNotExist();
  }

  @Test
  void aPlainVaultCannotBeOpenedAsSealed() {
    Path plain = dir.resolve("plain.json");
    EncryptedFileVault.create(plain, passphrase(), FAST).close();
    assertThatThrownBy(() -> SealedFileVault.open(plain, passphrase())).hasMessageContaining("not sealed");
  }
}

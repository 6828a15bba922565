package dev.breakglass.core.vault;

import static dev.breakglass.core.vault.TestVaults.FAST;
import static dev.breakglass.core.vault.TestVaults.passphrase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.breakglass.Credential;
import dev.breakglass.ReasonCode;
import dev.breakglass.VaultException;
import dev.breakglass.tck.fixtures.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class EncryptedFileVaultTest {
  private static final String CANARY = "canary-Zq7!vX2#pL9-secret";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;
  private Path file;
  private UnlockThrottle throttle;

  @BeforeEach
  void setUp() {
    file = dir.resolve("vault.json");
    throttle = new UnlockThrottle(Clock.systemUTC());
  }

  private EncryptedFileVault createWith(String account, String secret) {
    EncryptedFileVault vault = EncryptedFileVault.create(file, passphrase(), FAST);
    vault.write(account, secret.toCharArray());
    return vault;
  }

  private EncryptedFileVault open() {
    return EncryptedFileVault.open(file, passphrase(), throttle);
  }

  private ObjectNode json() throws Exception {
    return (ObjectNode) JSON.readTree(Files.readAllBytes(file));
  }

  private void writeJson(JsonNode node) throws Exception {
    Files.write(file, JSON.writeValueAsBytes(node));
  }

  private String readString(EncryptedFileVault vault, String account) {
    try (Credential c = vault.read(account)) {
      return new String(c.secret());
    }
  }

  @Test
  void recommendedArgon2ParametersAreOwaspsMinimumAndAreStoredInTheFile() throws Exception {
    assertThat(Argon2Parameters.recommended().memoryKiB()).isEqualTo(19 * 1024);
    assertThat(Argon2Parameters.recommended().iterations()).isEqualTo(2);
    assertThat(Argon2Parameters.recommended().parallelism()).isEqualTo(1);
    EncryptedFileVault.create(file, passphrase(), Argon2Parameters.recommended()).close();
    JsonNode kdf = json().get("kdf");
    assertThat(kdf.get("algorithm").asString()).isEqualTo("argon2id");
    assertThat(kdf.get("memoryKiB").asInt()).isEqualTo(19456);
    assertThat(kdf.get("iterations").asInt()).isEqualTo(2);
    assertThat(kdf.get("parallelism").asInt()).isEqualTo(1);
    try (EncryptedFileVault vault = open()) {
      assertThat(vault.kdf()).isEqualTo(Argon2Parameters.recommended());
    }
  }

  @Test
  void configuredArgon2ParametersAreUsedAndReportedWhenBelowRecommendation() throws Exception {
    Argon2Parameters strong = Argon2Parameters.of(32 * 1024, 3, 2);
    EncryptedFileVault.create(file, passphrase(), strong).close();
    try (EncryptedFileVault vault = open()) {
      assertThat(vault.kdf()).isEqualTo(strong);
    }
  }

  @Test
  void argon2ParametersOutsideTheirBoundsAreRejectedNamingTheValue() {
    assertThatThrownBy(() -> Argon2Parameters.of(4, 2, 1)).hasMessageContaining("memory").hasMessageContaining("4 KiB");
    assertThatThrownBy(() -> Argon2Parameters.of(19 * 1024 - 1, 2, 1)).hasMessageContaining("memory");
    assertThatThrownBy(() -> Argon2Parameters.of(19 * 1024, 1, 1)).hasMessageContaining("iterations");
    assertThatThrownBy(() -> Argon2Parameters.of(19 * 1024, 2, 0)).hasMessageContaining("parallelism");
    assertThatThrownBy(() -> Argon2Parameters.of(Argon2Parameters.MAX_MEMORY_KIB + 1, 2, 1)).hasMessageContaining("memory");
  }

  @Test
  void theFileHoldsNoSecretInTheClearAndIsReadableByItsOwnerOnly() throws Exception {
    createWith("canary-account", CANARY).close();
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    assertThat(text).doesNotContain(CANARY)
        .doesNotContain(Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8)))
        .doesNotContain(TestVaults.PASSPHRASE);
    assertThat(text).contains("canary-account");
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      assertThat(Files.getPosixFilePermissions(file))
          .containsOnly(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
  }

  @Test
  void everyEntryHasItsOwnNonce() throws Exception {
    EncryptedFileVault vault = createWith("a", "same");
    vault.write("b", "same".toCharArray());
    vault.close();
    JsonNode entries = json().get("entries");
    assertThat(entries.get("a").get("nonce").asString()).isNotEqualTo(entries.get("b").get("nonce").asString());
    assertThat(entries.get("a").get("ciphertext").asString()).isNotEqualTo(entries.get("b").get("ciphertext").asString());
  }

  @Test
  void aWrongPassphraseFailsSayingSoAndNeverEchoesIt() {
    createWith("a", "x").close();
    Throwable e = catchThrowable(() -> EncryptedFileVault.open(file, CANARY.toCharArray(), throttle));
    assertThat(e).isInstanceOf(VaultException.class).hasMessageContaining("wrong passphrase").hasMessageContaining(file.toString());
    assertThat(((VaultException) e).code()).isEqualTo(ReasonCode.VAULT_UNAVAILABLE);
    assertThat(e.toString()).doesNotContain(CANARY);
  }

  @Test
  void repeatedWrongPassphrasesAreThrottledWithGrowingDelays() {
    createWith("a", "x").close();
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    UnlockThrottle limited = new UnlockThrottle(clock);
    char[] wrong = "wrong".toCharArray();

    assertThatThrownBy(() -> EncryptedFileVault.open(file, wrong, limited)).hasMessageContaining("wrong passphrase");
    // The first mistake is free: a second attempt runs at once.
    assertThatThrownBy(() -> EncryptedFileVault.open(file, wrong, limited)).hasMessageContaining("wrong passphrase");
    assertThat(limited.failures(file)).isEqualTo(2);

    // Now locked for 1 s, even with the right passphrase, and the refusal does not count.
    Throwable locked = catchThrowable(() -> EncryptedFileVault.open(file, passphrase(), limited));
    assertThat(locked).isInstanceOf(VaultException.class).hasMessageContaining("retry in 1s");
    assertThat(((VaultException) locked).code()).isEqualTo(ReasonCode.RATE_LIMITED);
    assertThat(limited.failures(file)).isEqualTo(2);

    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> EncryptedFileVault.open(file, wrong, limited)).hasMessageContaining("wrong passphrase");
    clock.advance(Duration.ofMillis(1999));
    assertThatThrownBy(() -> EncryptedFileVault.open(file, passphrase(), limited))
        .extracting(t -> ((VaultException) t).code()).isEqualTo(ReasonCode.RATE_LIMITED);
    clock.advance(Duration.ofMillis(1));
    EncryptedFileVault.open(file, passphrase(), limited).close();
    assertThat(limited.failures(file)).isZero();
    assertThatThrownBy(() -> EncryptedFileVault.open(file, wrong, limited)).hasMessageContaining("wrong passphrase");
    assertThatThrownBy(() -> EncryptedFileVault.open(file, wrong, limited)).hasMessageContaining("wrong passphrase");
  }

  @Test
  void throttleDelaysDoubleAndAreCapped() {
    assertThat(UnlockThrottle.delayAfter(1)).isZero();
    assertThat(UnlockThrottle.delayAfter(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(UnlockThrottle.delayAfter(3)).isEqualTo(Duration.ofSeconds(2));
    assertThat(UnlockThrottle.delayAfter(6)).isEqualTo(Duration.ofSeconds(16));
    assertThat(UnlockThrottle.delayAfter(40)).isEqualTo(UnlockThrottle.MAX_DELAY);
  }

  @Test
  void aTruncatedFileFailsAsTruncatedAndNamesTheFile() throws Exception {
    createWith("a", "x").close();
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(this::open).isInstanceOf(VaultException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("corrupted").hasMessageContaining("truncated");
  }

  @Test
  void anEmptyFileFailsAsTruncated() throws Exception {
    createWith("a", "x").close();
    Files.write(file, new byte[0]);
    assertThatThrownBy(this::open).isInstanceOf(VaultException.class).hasMessageContaining("empty (truncated)");
  }

  @Test
  void garbageFailsAsNotJson() throws Exception {
    createWith("a", "x").close();
    Files.writeString(file, "{ this is not json");
    assertThatThrownBy(this::open).isInstanceOf(VaultException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void aMissingFieldIsNamed() throws Exception {
    createWith("a", "x").close();
    ObjectNode root = json();
    ((ObjectNode) root.get("kdf")).remove("salt");
    writeJson(root);
    assertThatThrownBy(this::open).isInstanceOf(VaultException.class).hasMessageContaining("field 'kdf.salt' is missing");
  }

  @Test
  void aBadBase64FieldIsNamed() throws Exception {
    createWith("a", "x").close();
    ObjectNode root = json();
    ((ObjectNode) root.get("entries").get("a")).put("nonce", "***");
    writeJson(root);
    assertThatThrownBy(this::open).hasMessageContaining("field 'entries.a.nonce' is not valid base64");
  }

  @Test
  void aKdfAskingForAbsurdMemoryIsRefusedBeforeRunningArgon2() throws Exception {
    createWith("a", "x").close();
    ObjectNode root = json();
    ((ObjectNode) root.get("kdf")).put("memoryKiB", Integer.MAX_VALUE);
    writeJson(root);
    assertThatThrownBy(this::open).hasMessageContaining("field 'kdf'").hasMessageContaining("memory");
  }

  @Test
  void alteredKdfParametersLookLikeAWrongPassphrase() throws Exception {
    createWith("a", "x").close();
    ObjectNode root = json();
    ((ObjectNode) root.get("kdf")).put("iterations", 3);
    writeJson(root);
    assertThatThrownBy(this::open).hasMessageContaining("wrong passphrase").hasMessageContaining("altered");
  }

  @Test
  void anAlteredEntryIsReportedByAccount() throws Exception {
    createWith("prod-db", "x").close();
    ObjectNode root = json();
    ObjectNode entry = (ObjectNode) root.get("entries").get("prod-db");
    byte[] ct = Base64.getDecoder().decode(entry.get("ciphertext").asString());
    ct[0] ^= 1;
    entry.put("ciphertext", Base64.getEncoder().encodeToString(ct));
    writeJson(root);
    assertThatThrownBy(this::open).isInstanceOf(VaultException.class)
        .hasMessageContaining("corrupted").hasMessageContaining("'prod-db' fails authentication");
  }

  @Test
  void anEntryMovedToAnotherAccountFailsAuthentication() throws Exception {
    EncryptedFileVault vault = createWith("low-priv", "harmless");
    vault.write("prod-db", "x".toCharArray());
    vault.close();
    ObjectNode root = json();
    ObjectNode entries = (ObjectNode) root.get("entries");
    entries.set("prod-db", entries.get("low-priv").deepCopy());
    writeJson(root);
    assertThatThrownBy(this::open).hasMessageContaining("'prod-db' fails authentication");
  }

  @Test
  void aRemovedEntryFailsTheIntegrityCheck() throws Exception {
    EncryptedFileVault vault = createWith("a", "1");
    vault.write("b", "2".toCharArray());
    vault.close();
    ObjectNode root = json();
    ((ObjectNode) root.get("entries")).remove("b");
    writeJson(root);
    assertThatThrownBy(this::open).hasMessageContaining("integrity check failed");
  }

  @Test
  void anEntryFromAnOlderCopyOfTheFileFailsTheIntegrityCheck() throws Exception {
    EncryptedFileVault vault = createWith("a", "old");
    vault.close();
    JsonNode older = json().get("entries").get("a").deepCopy();
    vault = open();
    vault.write("a", "new".toCharArray());
    vault.close();
    ObjectNode root = json();
    ((ObjectNode) root.get("entries")).set("a", older);
    writeJson(root);
    assertThatThrownBy(this::open).hasMessageContaining("integrity check failed");
  }

  @Test
  void anEntryFromAnotherVaultFailsAuthentication() throws Exception {
    Path other = dir.resolve("other.json");
    EncryptedFileVault.create(other, passphrase(), FAST).close();
    createWith("a", "x").close();
    ObjectNode root = json();
    ObjectNode otherRoot = (ObjectNode) JSON.readTree(Files.readAllBytes(other));
    // Same passphrase, but another vault's key and id: the entry cannot be decrypted here.
    root.set("kdf", otherRoot.get("kdf"));
    root.set("key", otherRoot.get("key"));
    writeJson(root);
    assertThatThrownBy(this::open).isInstanceOf(VaultException.class).hasMessageContaining("wrong passphrase");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(this::open).isInstanceOf(VaultException.class).hasMessageContaining("does not exist")
        .hasMessageContaining(file.toString());
  }

  @Test
  void creatingOverAnExistingFileIsRefusedAndLeavesItIntact() throws Exception {
    createWith("a", "keep").close();
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(() -> EncryptedFileVault.create(file, passphrase(), FAST)).hasMessageContaining("already exists");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void aSealedFileCannotBeOpenedAsAPlainVault() {
    SealedFileVault.create(file, passphrase(), FAST, 2, List.of("a", "b")).vault().close();
    assertThatThrownBy(this::open).hasMessageContaining("sealed by custodians");
  }

  @Test
  void aLeftoverTemporaryFileFromACrashIsIgnoredAndRemovedByTheNextWrite() throws Exception {
    createWith("a", "committed").close();
    Path leftover = dir.resolve(".vault.json.123456.tmp");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(leftover, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    try (EncryptedFileVault vault = open()) {
      assertThat(readString(vault, "a")).isEqualTo("committed");
      vault.write("b", "next".toCharArray());
    }
    assertThat(leftover).doesNotExist();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("vault.json", "vault.json.lock");
    }
  }

  @Test
  void twoInstancesOnOneFileLoseNoWriteAndSeeEachOthersChanges() {
    createWith("a", "1").close();
    try (EncryptedFileVault first = open(); EncryptedFileVault second = open()) {
      first.write("from-first", "f".toCharArray());
      second.write("from-second", "s".toCharArray());
      assertThat(first.accounts()).containsExactlyInAnyOrder("a", "from-first", "from-second");
      assertThat(readString(first, "from-second")).isEqualTo("s");
      second.write("a", "2".toCharArray());
      assertThat(readString(first, "a")).isEqualTo("2");
    }
    try (EncryptedFileVault again = open()) {
      assertThat(again.accounts()).containsExactlyInAnyOrder("a", "from-first", "from-second");
      assertThat(again.generation()).isEqualTo(4);
    }
  }

  @Test
  void aFileRolledBackToAnOlderCopyIsRefusedByAnOpenVault() throws Exception {
    EncryptedFileVault vault = createWith("a", "old");
    byte[] older = Files.readAllBytes(file);
    vault.write("a", "rotated".toCharArray());
    Files.write(dir.resolve("restore.tmp"), older);
    Files.move(dir.resolve("restore.tmp"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> vault.read("a")).hasMessageContaining("older copy");
    vault.close();
  }

  @Test
  void changingThePassphraseKeepsTheCredentialsAndRetiresTheOldOne() {
    char[] next = "a brand new passphrase".toCharArray();
    try (EncryptedFileVault vault = createWith("a", "kept")) {
      vault.changePassphrase(next, FAST);
    }
    assertThatThrownBy(this::open).hasMessageContaining("wrong passphrase");
    try (EncryptedFileVault vault = EncryptedFileVault.open(file, next, throttle)) {
      assertThat(readString(vault, "a")).isEqualTo("kept");
    }
  }

  @Test
  void aClosedVaultRefusesEveryCallAndHasWipedItsKeys() {
    EncryptedFileVault vault = createWith("a", "x");
    vault.close();
    assertThatThrownBy(() -> vault.read("a")).hasMessageContaining("closed");
    assertThatThrownBy(() -> vault.write("a", "y".toCharArray())).hasMessageContaining("closed");
    assertThatThrownBy(vault::accounts).hasMessageContaining("closed");
  }

  @Test
  void anEmptyPassphraseIsRejected() {
    assertThatThrownBy(() -> EncryptedFileVault.create(file, new char[0], FAST)).hasMessageContaining("passphrase");
  }

  @Test
  void theCanaryNeverAppearsInAnyErrorAlongTheWay() throws Exception {
    AtomicInteger checked = new AtomicInteger();
    try (EncryptedFileVault vault = EncryptedFileVault.create(file, CANARY.toCharArray(), FAST)) {
      vault.write("canary", CANARY.toCharArray());
      assertThat(vault.toString()).doesNotContain(CANARY);
      for (Throwable t : List.of(
          catchThrowable(() -> vault.read("missing")),
          catchThrowable(() -> EncryptedFileVault.open(file, (CANARY + "x").toCharArray(), throttle)),
          catchThrowable(() -> EncryptedFileVault.create(file, CANARY.toCharArray(), FAST)))) {
        assertThat(t).isInstanceOf(VaultException.class);
        assertThat(CredentialTraces.of(t)).doesNotContain(CANARY);
        checked.incrementAndGet();
      }
    }
    assertThat(checked).hasValue(3);
    assertThat(Set.of(Files.readString(file))).allMatch(s -> !s.contains(CANARY));
  }
}

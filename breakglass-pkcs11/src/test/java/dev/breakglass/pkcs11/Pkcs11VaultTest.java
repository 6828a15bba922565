package dev.breakglass.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.breakglass.Credential;
import dev.breakglass.ProviderException;
import dev.breakglass.VaultException;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.CredentialVaultProvider;
import dev.breakglass.spi.ProviderContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class Pkcs11VaultTest {
  private static final String CANARY = "canary-Zq7!vX2#pL9-secret";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;
  private SoftHsmToken token;
  private String label;
  private Path file;

  @BeforeEach
  void setUp() {
    token = SoftHsmToken.get();
    label = "test-" + UUID.randomUUID();
    file = dir.resolve("pkcs11-vault.json");
  }

  private Pkcs11Vault.Builder builder() {
    return Pkcs11Vault.builder().library(token.library).slotListIndex(token.slotListIndex).keyLabel(label).file(file);
  }

  private Pkcs11Vault created() {
    return builder().createIfMissing(true).open(token.pin());
  }

  private static String trace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  @Test
  void theKeyIsATokenObjectThatCannotBeReadOut() throws Exception {
    try (Pkcs11Vault vault = created()) {
      assertThat(vault.key().getEncoded()).as("key bytes").isNull();
      assertThatThrownBy(() -> SecretKeyFactory.getInstance("AES", vault.provider()).getKeySpec(vault.key(), SecretKeySpec.class))
          .as("exporting the key through the token").isInstanceOf(java.security.spec.InvalidKeySpecException.class);
    }
    // A fresh login finds the same key under its label: it is persistent on the token, not a session key.
    try (Pkcs11Vault again = builder().open(token.pin())) {
      assertThat(again.key().getEncoded()).isNull();
    }
  }

  @Test
  void credentialsRoundTripThroughTheTokenAndTheFileHoldsNoSecret() throws Exception {
    try (Pkcs11Vault vault = created()) {
      vault.write("prod-db-admin", CANARY.toCharArray());
    }
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    assertThat(text).doesNotContain(CANARY)
        .doesNotContain(Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8)))
        .doesNotContain(token.pin);
    try (Pkcs11Vault vault = builder().open(token.pin()); Credential c = vault.read("prod-db-admin")) {
      assertThat(new String(c.secret())).isEqualTo(CANARY);
      assertThat(vault.toString()).doesNotContain(CANARY);
    }
  }

  @Test
  void aKeyWhoseValueCanBeReadIsRefused() throws Exception {
    // Put a plain, extractable AES key on the token under the label, as a careless setup would.
    Provider loose = Security.getProvider("SunPKCS11").configure("--name = loose" + UUID.randomUUID().toString().substring(0, 8)
        + "\nlibrary = \"" + token.library + "\"\nslotListIndex = " + token.slotListIndex
        + "\nattributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n CKA_SENSITIVE = false\n CKA_EXTRACTABLE = true\n}\n");
    KeyStore store = KeyStore.getInstance("PKCS11", loose);
    store.load(null, token.pin());
    KeyGenerator generator = KeyGenerator.getInstance("AES", loose);
    generator.init(256);
    store.setEntry(label, new KeyStore.SecretKeyEntry(generator.generateKey()), null);
    assertThatThrownBy(this::created).isInstanceOf(VaultException.class)
        .hasMessageContaining("'" + label + "'").hasMessageContaining("can be read out of the token");
    assertThat(file).doesNotExist();
  }

  @Test
  void aWrongPinIsRefusedInAProcessThatHasNotLoggedIn() throws Exception {
    try (Pkcs11Vault vault = created()) {
      vault.write("a", "x".toCharArray());
    }
    String wrong = token.pin.equals("00000000") ? "11111111" : "00000000";
    assertThat(openInChild(wrong)).startsWith("FAILED dev.breakglass.VaultException: cannot log in to the token")
        .contains("wrong PIN").doesNotContain(wrong);
    assertThat(openInChild(token.pin)).isEqualTo("OPENED [a]");
  }

  @Test
  void aWrongPinIsRefusedInAProcessAlreadyLoggedIn() {
    try (Pkcs11Vault vault = created()) {
      vault.write("a", "x".toCharArray());
      String wrong = token.pin.equals("00000000") ? "11111111" : "00000000";
      assertThatThrownBy(() -> builder().open(wrong.toCharArray())).isInstanceOf(VaultException.class)
          .hasMessageContaining("cannot log in to the token").hasMessageContaining("wrong PIN")
          .hasMessageNotContaining(wrong);
      try (Pkcs11Vault again = builder().open(token.pin())) {
        assertThat(again.accounts()).containsExactly("a");
      }
    }
  }

  private String openInChild(String pin) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        Pkcs11OpenProcess.class.getName(), token.library.toString(), String.valueOf(token.slotListIndex), label,
        file.toString());
    pb.environment().put("BG_TEST_PIN", pin);
    pb.environment().put("SOFTHSM2_CONF", token.conf.toString());
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void aMissingFileIsAnErrorUnlessCreationIsAsked() {
    assertThatThrownBy(() -> builder().open(token.pin())).isInstanceOf(VaultException.class)
        .hasMessageContaining("does not exist").hasMessageContaining("createIfMissing");
  }

  @Test
  void aFileWhoseKeyIsNotOnTheTokenIsReported() {
    created().close();
    assertThatThrownBy(() -> builder().keyLabel("absent-" + UUID.randomUUID()).open(token.pin()))
        .isInstanceOf(VaultException.class).hasMessageContaining("holds no key labelled")
        .hasMessageContaining("cannot be decrypted without it");
  }

  @Test
  void aFilePairedWithAnotherKeyFailsAuthentication() throws Exception {
    try (Pkcs11Vault vault = created()) {
      vault.write("a", "x".toCharArray());
    }
    String otherLabel = "other-" + UUID.randomUUID();
    Path otherFile = dir.resolve("other.json");
    Pkcs11Vault.builder().library(token.library).keyLabel(otherLabel).file(otherFile).createIfMissing(true)
        .open(token.pin()).close();
    ObjectNode root = (ObjectNode) JSON.readTree(Files.readAllBytes(file));
    root.put("keyLabel", otherLabel);
    Files.write(file, JSON.writeValueAsBytes(root));
    assertThatThrownBy(() -> builder().keyLabel(otherLabel).open(token.pin()))
        .isInstanceOf(VaultException.class).hasMessageContaining("fails authentication");
  }

  @Test
  void aRemovedEntryIsCaughtByTheManifest() throws Exception {
    try (Pkcs11Vault vault = created()) {
      vault.write("a", "1".toCharArray());
      vault.write("b", "2".toCharArray());
    }
    ObjectNode root = (ObjectNode) JSON.readTree(Files.readAllBytes(file));
    ((ObjectNode) root.get("entries")).remove("b");
    Files.write(file, JSON.writeValueAsBytes(root));
    assertThatThrownBy(() -> builder().open(token.pin())).hasMessageContaining("manifest does not match");
  }

  @Test
  void anEntryMovedToAnotherAccountFailsAuthentication() throws Exception {
    try (Pkcs11Vault vault = created()) {
      vault.write("low", "harmless".toCharArray());
      vault.write("high", "x".toCharArray());
    }
    ObjectNode root = (ObjectNode) JSON.readTree(Files.readAllBytes(file));
    ObjectNode entries = (ObjectNode) root.get("entries");
    entries.set("high", entries.get("low").deepCopy());
    Files.write(file, JSON.writeValueAsBytes(root));
    assertThatThrownBy(() -> builder().open(token.pin())).hasMessageContaining("'high' fails authentication");
  }

  @Test
  void aTruncatedFileIsReportedAsSuch() throws Exception {
    try (Pkcs11Vault vault = created()) {
      vault.write("a", "1".toCharArray());
    }
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 20));
    assertThatThrownBy(() -> builder().open(token.pin())).hasMessageContaining("corrupted").hasMessageContaining("truncated");
  }

  @Test
  void aBadLibraryOrSlotIsNamed() {
    assertThatThrownBy(() -> builder().library(dir.resolve("nope.so")).open(token.pin()))
        .hasMessageContaining("nope.so").hasMessageContaining("does not exist");
    assertThatThrownBy(() -> builder().slotListIndex(42).createIfMissing(true).open(token.pin()))
        .isInstanceOf(VaultException.class).hasMessageContaining("slot index 42");
  }

  @Test
  void theCanaryNeverAppearsInErrors() {
    try (Pkcs11Vault vault = created()) {
      vault.write("canary", CANARY.toCharArray());
      Throwable e = catchThrowable(() -> vault.read("missing"));
      assertThat(e).isInstanceOf(VaultException.class).hasMessageContaining("'missing'");
      assertThat(trace(e)).doesNotContain(CANARY);
    }
  }

  @Test
  void theProviderIsFoundByNameAndOpensTheVault() throws Exception {
    CredentialVaultProvider provider = ServiceLoader.load(CredentialVaultProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("pkcs11")).findFirst().orElseThrow();
    assertThat(provider).isInstanceOf(Pkcs11VaultProvider.class);
    Map<String, String> env = Map.of("HSM_PIN", token.pin);
    ProviderContext context = new ProviderContext("pkcs11", Map.of("library", token.library.toString(),
        "key-label", label, "pin-env", "HSM_PIN", "create-if-missing", "true"), Clock.systemUTC(), dir, env::get);
    try (CredentialVault vault = provider.create(context)) {
      vault.write("a", "via-provider".toCharArray());
    }
    assertThat(dir.resolve("pkcs11-vault.json")).exists();
  }

  @Test
  void providerConfigurationErrorsNameTheProperty() {
    ProviderContext noLibrary = new ProviderContext("pkcs11", Map.of("pin-env", "X"), Clock.systemUTC(), dir);
    assertThatThrownBy(() -> new Pkcs11VaultProvider().create(noLibrary))
        .isInstanceOf(ProviderException.class).hasMessageContaining("'library'");
    ProviderContext noPin = new ProviderContext("pkcs11", Map.of("library", token.library.toString()), Clock.systemUTC(), dir);
    assertThatThrownBy(() -> new Pkcs11VaultProvider().create(noPin))
        .isInstanceOf(ProviderException.class).hasMessageContaining("pin-env").hasMessageContaining("pin-file");
  }

  @Test
  void aPinFileOthersCanRead_isRefusedNamingTheFileAndTheFix() throws Exception {
    Path pinFile = Files.writeString(dir.resolve("pin"), token.pin);
    Files.setPosixFilePermissions(pinFile, PosixFilePermissions.fromString("rw-r--r--"));
    ProviderContext context = new ProviderContext("pkcs11", Map.of("library", token.library.toString(),
        "key-label", label, "pin-file", "pin", "create-if-missing", "true"), Clock.systemUTC(), dir)
        .withKeyPrefix("vault.pkcs11.");
    assertThatThrownBy(() -> new Pkcs11VaultProvider().create(context))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("'vault.pkcs11.pin-file'").hasMessageContaining("chmod 600 " + pinFile);
    assertThat(dir.resolve("pkcs11-vault.json")).doesNotExist();
  }

  @Test
  void createdFilesAreOwnerOnly() throws Exception {
    Path nested = dir.resolve("data/vaults/pkcs11.json");
    try (Pkcs11Vault vault = Pkcs11Vault.builder().library(token.library).keyLabel(label).file(nested)
        .createIfMissing(true).open(token.pin.toCharArray())) {
      vault.write("a", "x".toCharArray());
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data/vaults/pkcs11.json.lock"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data/vaults")))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data")))).isEqualTo("rwx------");
  }
}

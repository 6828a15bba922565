package dev.breakglass.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.Credential;
import dev.breakglass.VaultException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of vault format version 1, written once and kept in {@code src/test/resources/vault-v1}:
 * every later version of this library must open them and read what they hold, and print their
 * custodian shares identically. Any change to the key derivation, the authenticated data, the MAC
 * input, the HPKE parameters or the share check characters breaks these tests, as it would break
 * every vault and every printed share in use. The files hold only the test credentials below.
 */
class VaultFormatV1Test {
  static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

  @TempDir Path dir;

  static Path resource(String name) {
    try {
      return Path.of(VaultFormatV1Test.class.getResource("/vault-v1/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new AssertionError("missing test resource vault-v1/" + name, e);
    }
  }

  static char[] share(String custodian) throws IOException {
    return Files.readString(resource("share-" + custodian + ".txt")).toCharArray();
  }

  /** A private copy of a resource file, as a vault file must be owner-only and may get a lock file. */
  private Path copy(String name) throws IOException {
    return copy(name, Files.readString(resource(name)));
  }

  private Path copy(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  @Test
  void plainVault_opensWithItsPassphrase_andReadsEveryCredential() throws IOException {
    try (EncryptedFileVault vault = EncryptedFileVault.open(copy("plain.json"), PASSPHRASE.clone(),
        new UnlockThrottle(java.time.Clock.systemUTC()))) {
      assertThat(vault.accounts()).containsExactly("db-admin", "ünïcode");
      try (Credential c = vault.read("db-admin")) {
        assertThat(new String(c.secret())).isEqualTo("golden-secret-Q7x!");
      }
      try (Credential c = vault.read("ünïcode")) {
        assertThat(new String(c.secret())).isEqualTo("pässwörd-€");
      }
      assertThat(vault.generation()).isEqualTo(2);
      assertThat(vault.kdf()).isEqualTo(Argon2Parameters.recommended());
    }
  }

  @Test
  void sealedVault_readsWithAnyTwoOfItsThreePrintedShares() throws IOException {
    try (SealedFileVault vault = SealedFileVault.open(copy("sealed.json"), PASSPHRASE.clone(),
        new UnlockThrottle(java.time.Clock.systemUTC()))) {
      assertThat(vault.custodians()).containsExactly("carol", "dave", "erin");
      assertThat(vault.threshold()).isEqualTo(2);
      for (String[] pair : new String[][] {{"carol", "dave"}, {"dave", "erin"}, {"carol", "erin"}}) {
        try (Credential c = vault.read("db-admin", Map.of(pair[0], share(pair[0]), pair[1], share(pair[1])))) {
          assertThat(new String(c.secret())).as("with the shares of %s", Arrays.toString(pair))
              .isEqualTo("sealed-golden-K4p");
        }
      }
    }
  }

  @Test
  void printedShares_parseAndPrintIdentically() throws IOException {
    for (String custodian : new String[] {"carol", "dave", "erin"}) {
      String printed = new String(share(custodian));
      try (CustodianShare share = CustodianShare.parse(printed.toCharArray())) {
        assertThat(share.custodian()).isEqualTo(custodian);
        assertThat(share.vaultId()).hasToString("48c75fa0-4762-4434-b581-64ab7f3677ca");
        assertThat(new String(share.encode())).isEqualTo(printed);
      }
    }
  }

  @Test
  void printedShares_haveSixGroupsOfFivePerLine_andEndWithANewline() throws IOException {
    String printed = new String(share("carol"));
    String[] lines = printed.split("\n", -1);

    assertThat(lines).hasSize(4 + 5 + 1);
    for (int i = 4; i < 8; i++) {
      assertThat(lines[i]).matches("([A-Z2-7]{5} ){5}[A-Z2-7]{5}");
    }
    assertThat(lines[8]).isEqualTo("D5UHU K4");
    assertThat(lines[9]).as("after the final newline").isEmpty();
  }

  @Test
  void isSealed_tellsTheTwoKindsApart() throws IOException {
    assertThat(SealedFileVault.isSealed(copy("sealed.json"))).isTrue();
    assertThat(SealedFileVault.isSealed(copy("plain.json"))).isFalse();
  }

  @Test
  void theOrderOfCustodiansInTheFile_doesNotMatter() throws IOException {
    String json = Files.readString(resource("sealed.json"));
    String carol = block(json, "\"name\" : \"carol\"");
    String erin = block(json, "\"name\" : \"erin\"");
    Path file = copy("sealed.json", json.replace(carol, "#CAROL#").replace(erin, carol).replace("#CAROL#", erin));
    assertThat(Files.readString(file).indexOf("erin")).isLessThan(Files.readString(file).indexOf("carol"));

    try (SealedFileVault vault = SealedFileVault.open(file, PASSPHRASE.clone(),
        new UnlockThrottle(java.time.Clock.systemUTC()));
        Credential c = vault.read("db-admin", Map.of("carol", share("carol"), "erin", share("erin")))) {
      assertThat(new String(c.secret())).isEqualTo("sealed-golden-K4p");
    }
  }

  @Test
  void custodianIndex255_isWellFormed_256IsNot() throws IOException {
    String json = Files.readString(resource("sealed.json"));
    Path at255 = copy("sealed.json", json.replace("\"index\" : 3", "\"index\" : 255"));
    Path at256 = copy("sealed-256.json", json.replace("\"index\" : 3", "\"index\" : 256"));

    assertThat(SealedFileVault.isSealed(at255)).isTrue();
    assertThatThrownBy(() -> SealedFileVault.open(at255, PASSPHRASE.clone(),
        new UnlockThrottle(java.time.Clock.systemUTC())))
        .isInstanceOf(VaultException.class).hasMessageContaining("its integrity check failed");
    assertThatThrownBy(() -> SealedFileVault.isSealed(at256))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("field 'sealing.custodians[2]' repeats a name or an index, or is out of range");
  }

  @Test
  void structuralDamage_isNamedByField() throws IOException {
    String json = Files.readString(resource("sealed.json"));
    String kdf = block(json, "\"algorithm\" : \"argon2id\"");
    String erin = block(json, "\"name\" : \"erin\"");

    assertCorrupted(json.replace(kdf, "5"), "field 'kdf' must be an object");
    assertCorrupted(json.replace(erin, "5"), "field 'sealing.custodians[2]' must be an object");
    assertCorrupted(json.replace("\"threshold\" : 2", "\"threshold\" : 2147483648"),
        "field 'sealing.threshold' is out of range");
    assertCorrupted(json.replace("\"threshold\" : 2", "\"threshold\" : 2147483647"),
        "field 'sealing.threshold' must be 2..3, was 2147483647");
    assertCorrupted(json.replace("\"threshold\" : 2", "\"threshold\" : -2147483648"),
        "field 'sealing.threshold' must be 2..3, was -2147483648");
    assertCorrupted(json.replace("\"threshold\" : 2", "\"threshold\" : -2147483649"),
        "field 'sealing.threshold' is out of range");
  }

  @Test
  void truncatedOrGarbledJson_isReportedWithItsPosition() throws IOException {
    String json = Files.readString(resource("plain.json"));

    assertCorrupted(json.substring(0, 40), "it is truncated (JSON ends early at line 3, column ");
    assertCorrupted("{\n  \"format\" : nope\n}", "it is not valid JSON at line 2, column ");
  }

  @Test
  void aFileOfExactlyTheMaximumSize_isRead() throws IOException {
    byte[] json = Files.readAllBytes(resource("plain.json"));
    byte[] padded = new byte[VaultDocument.MAX_FILE_BYTES];
    Arrays.fill(padded, (byte) ' ');
    System.arraycopy(json, 0, padded, 0, json.length);
    Path file = Files.write(dir.resolve("padded.json"), padded);

    assertThat(SealedFileVault.isSealed(file)).isFalse();
  }

  private void assertCorrupted(String content, String expected) throws IOException {
    Path file = copy("damaged.json", content);
    assertThatThrownBy(() -> SealedFileVault.isSealed(file))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining(expected);
  }

  /** The JSON object (from its opening brace to its closing one) that contains {@code marker}. */
  private static String block(String json, String marker) {
    int at = json.indexOf(marker);
    int start = json.lastIndexOf('{', at);
    int end = json.indexOf('}', at);
    return json.substring(start, end + 1);
  }
}

package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.Credential;
import dev.breakglass.core.vault.CustodianShare;
import dev.breakglass.core.vault.EncryptedFileVault;
import dev.breakglass.core.vault.SealedFileVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staging credentials and checking shares through the command, on real vault files. */
class VaultCommandsTest {
  private static final String PASSPHRASE = "canary-passphrase-Qw3!x9";
  private static final String SECRET = "canary-credential-Zr8#p2";

  @TempDir Path dir;
  private CliRunner cli;
  private Path vault;
  private Path passphraseFile;

  @BeforeEach
  void setUp() throws IOException {
    cli = new CliRunner();
    vault = dir.resolve("vault.json");
    passphraseFile = dir.resolve("passphrase");
    Files.writeString(passphraseFile, PASSPHRASE + "\n");
    Files.setPosixFilePermissions(passphraseFile, PosixFilePermissions.fromString("rw-------"));
  }

  private String credentialIn(Path file, String account) {
    try (EncryptedFileVault v = EncryptedFileVault.open(file, PASSPHRASE.toCharArray());
         Credential c = v.read(account)) {
      return new String(c.secret());
    }
  }

  /** Nothing the command printed may contain a secret it handled. */
  private void assertNoSecretIn(CliRunner r) {
    assertThat(r.out + r.err).doesNotContain(PASSPHRASE).doesNotContain(SECRET);
  }

  @Nested
  class EncryptedVault {
    @Test
    void createPutAndListWithThePassphraseFromAFileAndTheCredentialFromStandardInput() {
      assertThat(cli.run("vault", "create", vault.toString(), "--passphrase-file", passphraseFile.toString()))
          .isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).contains("created encrypted vault");

      cli.stdin = SECRET + "\n";
      assertThat(cli.run("vault", "put", vault.toString(), "prod-db-admin", "--passphrase-file",
          passphraseFile.toString())).isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).contains("stored the credential of 'prod-db-admin'");
      assertNoSecretIn(cli);
      assertThat(credentialIn(vault, "prod-db-admin")).isEqualTo(SECRET);

      assertThat(cli.run("vault", "list", vault.toString(), "--passphrase-file", passphraseFile.toString()))
          .isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).contains("  prod-db-admin");
      assertNoSecretIn(cli);
    }

    @Test
    void aPersonAtTheTerminalTypesThePassphraseAndCredentialTwice() {
      cli.typing(PASSPHRASE, PASSPHRASE);
      assertThat(cli.run("vault", "create", vault.toString())).isEqualTo(BreakGlassCli.OK);
      cli.typing(PASSPHRASE, SECRET, SECRET);
      assertThat(cli.run("vault", "put", vault.toString(), "prod-db-admin")).isEqualTo(BreakGlassCli.OK);
      assertThat(cli.terminal.prompts).containsExactly("new vault passphrase: ", "again: ", "vault passphrase: ",
          "credential for 'prod-db-admin': ", "again: ");
      assertThat(credentialIn(vault, "prod-db-admin")).isEqualTo(SECRET);
      assertNoSecretIn(cli);
    }

    @Test
    void mistypedRepeatsChangeNothing() {
      cli.typing(PASSPHRASE, PASSPHRASE + "x");
      assertThat(cli.run("vault", "create", vault.toString())).isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("the passphrases differ");
      assertThat(vault).doesNotExist();

      cli.run("vault", "create", vault.toString(), "--passphrase-file", passphraseFile.toString());
      cli.typing(PASSPHRASE, SECRET, SECRET + "x");
      assertThat(cli.run("vault", "put", vault.toString(), "prod-db-admin")).isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("the credentials differ");
      try (EncryptedFileVault v = EncryptedFileVault.open(vault, PASSPHRASE.toCharArray())) {
        assertThat(v.accounts()).isEmpty();
      }
      assertNoSecretIn(cli);
    }

    @Test
    void theEnvironmentVariableNamedByAnOptionHoldsThePassphrase() {
      cli.environment.put("BG_PASS", PASSPHRASE);
      assertThat(cli.run("vault", "create", vault.toString(), "--passphrase-env", "BG_PASS")).isEqualTo(BreakGlassCli.OK);
      assertThat(cli.run("vault", "list", vault.toString(), "--passphrase-env", "NOT_SET")).isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("environment variable NOT_SET", "not set or empty");
    }

    @Test
    void aWrongPassphraseIsNamedAndShowsNothing() throws IOException {
      cli.run("vault", "create", vault.toString(), "--passphrase-file", passphraseFile.toString());
      Path wrong = Files.writeString(dir.resolve("wrong"), "not-it\n");
      Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
      Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
      assertThat(cli.run("vault", "list", vault.toString(), "--passphrase-file", wrong.toString()))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).containsIgnoringCase("passphrase");
      assertThat(cli.out).isEmpty();
    }

    @Test
    void refusesAPassphraseFileOthersCanRead() throws IOException {
      Files.setPosixFilePermissions(passphraseFile, PosixFilePermissions.fromString("rw-r--r--"));
      assertThat(cli.run("vault", "create", vault.toString(), "--passphrase-file", passphraseFile.toString()))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("accessible to others", "chmod 600");
      assertThat(vault).doesNotExist();
    }

    @Test
    void withoutATerminalThePassphraseMustComeFromAnOption() {
      assertThat(cli.run("vault", "create", vault.toString())).isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("no terminal", "--passphrase-env", "--passphrase-file");
    }

    @Test
    void anExistingVaultIsNeverOverwritten() throws IOException {
      Files.writeString(vault, "precious");
      assertThat(cli.run("vault", "create", vault.toString(), "--passphrase-file", passphraseFile.toString()))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("already exists");
      assertThat(Files.readString(vault)).isEqualTo("precious");
    }
  }

  @Nested
  class Sealed {
    private Path shares;

    @BeforeEach
    void createSealedVault() {
      shares = dir.resolve("shares");
      assertThat(cli.run("vault", "create", vault.toString(), "--custodians", "carol,dave,erin", "--threshold", "2",
          "--shares-dir", shares.toString(), "--passphrase-file", passphraseFile.toString())).isEqualTo(BreakGlassCli.OK);
    }

    @Test
    void eachCustodiansShareIsWrittenOwnerOnlyAndTheSharesOpenTheVault() throws IOException {
      assertThat(cli.out).contains("sealed by 2 of 3 custodians", "carol.share", "dave.share", "erin.share");
      for (String c : new String[] {"carol", "dave", "erin"}) {
        Path share = shares.resolve(c + ".share");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(share))).isEqualTo("rw-------");
        try (CustodianShare parsed = CustodianShare.parse(Files.readString(share).toCharArray())) {
          assertThat(parsed.custodian()).isEqualTo(c);
        }
      }

      cli.stdin = SECRET;
      assertThat(cli.run("vault", "put", vault.toString(), "prod-db-admin", "--passphrase-file",
          passphraseFile.toString())).isEqualTo(BreakGlassCli.OK);
      try (SealedFileVault v = SealedFileVault.open(vault, PASSPHRASE.toCharArray());
           Credential c = v.read("prod-db-admin", Map.of(
               "carol", Files.readString(shares.resolve("carol.share")).toCharArray(),
               "erin", Files.readString(shares.resolve("erin.share")).toCharArray()))) {
        assertThat(new String(c.secret())).isEqualTo(SECRET);
      }
      assertThat(cli.run("vault", "list", vault.toString(), "--passphrase-file", passphraseFile.toString()))
          .isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).contains("sealed by 2 of 3 custodians: carol, dave, erin", "  prod-db-admin");
    }

    @Test
    void twoSharesFromFilesPassTheCheck() {
      assertThat(cli.run("shares", "check", vault.toString(), "--passphrase-file", passphraseFile.toString(),
          "--share", shares.resolve("dave.share").toString(), "--share", shares.resolve("erin.share").toString()))
          .isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).startsWith("OK  the shares of dave, erin open vault");
    }

    @Test
    void sharesTypedAtTheTerminalPassTheCheck() throws IOException {
      // A custodian types only the groups from their paper, all on one line.
      String carol = groupsOf(shares.resolve("carol.share"));
      String dave = groupsOf(shares.resolve("dave.share"));
      cli.typing(carol, dave, "");
      assertThat(cli.run("shares", "check", vault.toString(), "--passphrase-file", passphraseFile.toString()))
          .isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).contains("carol, dave");
      assertThat(cli.terminal.prompts).hasSize(3);
      assertThat(cli.out + cli.err).doesNotContain(carol.substring(carol.length() - 20));
    }

    private String groupsOf(Path share) throws IOException {
      return String.join(" ", Files.readAllLines(share).stream()
          .filter(l -> !l.contains(":") && !l.startsWith("BREAKGLASS")).toList()).strip();
    }

    @Test
    void oneShareIsNotEnough() {
      assertThat(cli.run("shares", "check", vault.toString(), "--passphrase-file", passphraseFile.toString(),
          "--share", shares.resolve("carol.share").toString())).isEqualTo(BreakGlassCli.FAILED);
      assertThat(cli.out).startsWith("FAILED").contains("2");
    }

    @Test
    void aShareOfAnotherVaultFailsTheCheck() {
      Path other = dir.resolve("other.json");
      Path otherShares = dir.resolve("other-shares");
      cli.run("vault", "create", other.toString(), "--custodians", "carol,dave,erin", "--threshold", "2",
          "--shares-dir", otherShares.toString(), "--passphrase-file", passphraseFile.toString());
      assertThat(cli.run("shares", "check", vault.toString(), "--passphrase-file", passphraseFile.toString(),
          "--share", shares.resolve("carol.share").toString(), "--share", otherShares.resolve("dave.share").toString()))
          .isEqualTo(BreakGlassCli.FAILED);
      assertThat(cli.out).startsWith("FAILED").contains("dave");
    }

    @Test
    void aMistypedShareNamesItsGroup() throws IOException {
      Path share = shares.resolve("dave.share");
      String text = Files.readString(share);
      String[] lines = text.split("\n");
      String body = lines[lines.length - 1];
      char c = body.charAt(0);
      lines[lines.length - 1] = (c == 'A' ? 'B' : 'A') + body.substring(1);
      Path typo = dir.resolve("typo.share");
      Files.writeString(typo, String.join("\n", lines) + "\n");
      Files.setPosixFilePermissions(typo, PosixFilePermissions.fromString("rw-------"));
      assertThat(cli.run("shares", "check", vault.toString(), "--passphrase-file", passphraseFile.toString(),
          "--share", shares.resolve("carol.share").toString(), "--share", typo.toString()))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("group");
    }

    @Test
    void existingShareFilesAreNeverOverwritten() throws IOException {
      Path again = dir.resolve("again.json");
      assertThat(cli.run("vault", "create", again.toString(), "--custodians", "carol,dave", "--threshold", "2",
          "--shares-dir", shares.toString(), "--passphrase-file", passphraseFile.toString()))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("carol.share already exists");
      assertThat(again).doesNotExist();
    }

    @Test
    void aCustodianNameThatIsNoSafeFileNameIsRefused() {
      Path bad = dir.resolve("bad.json");
      assertThat(cli.run("vault", "create", bad.toString(), "--custodians", "carol,../../etc/x", "--threshold", "2",
          "--shares-dir", dir.resolve("new-shares").toString(), "--passphrase-file", passphraseFile.toString()))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("custodian name '../../etc/x' cannot name a share file");
      assertThat(bad).doesNotExist();
      assertThat(dir.resolve("etc")).doesNotExist();
    }

    @Test
    void invalidThresholdsAreRefusedBeforeAnythingIsWritten() {
      Path bad = dir.resolve("bad.json");
      assertThat(cli.run("vault", "create", bad.toString(), "--custodians", "carol,dave", "--threshold", "3",
          "--shares-dir", dir.resolve("bad-shares").toString(), "--passphrase-file", passphraseFile.toString()))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(bad).doesNotExist();
      assertThat(dir.resolve("bad-shares")).doesNotExist();
    }
  }

  @Test
  void sharesCheckOnAVaultWithoutCustodiansSaysSo() {
    cli.run("vault", "create", vault.toString(), "--passphrase-file", passphraseFile.toString());
    assertThat(cli.run("shares", "check", vault.toString(), "--passphrase-file", passphraseFile.toString()))
        .isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("not sealed by custodians");
  }

  @Test
  void unknownSubcommandsAreNamed() {
    assertThat(cli.run("vault", "delete", vault.toString())).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("unknown command 'vault delete'");
    assertThat(cli.run("vault")).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("vault needs a subcommand");
  }

  @Test
  void theCredentialIsNeverACommandLineArgument() {
    cli.run("vault", "create", vault.toString(), "--passphrase-file", passphraseFile.toString());
    assertThat(cli.run("vault", "put", vault.toString(), "prod-db-admin", SECRET, "--passphrase-file",
        passphraseFile.toString())).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("unexpected argument").doesNotContain(SECRET);
  }

  @Test
  void aCredentialOnStandardInputMustNotBeEmpty() {
    cli.run("vault", "create", vault.toString(), "--passphrase-file", passphraseFile.toString());
    cli.stdin = "\n";
    assertThat(cli.run("vault", "put", vault.toString(), "prod-db-admin", "--passphrase-file",
        passphraseFile.toString())).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("the credential on standard input is empty");
  }
}

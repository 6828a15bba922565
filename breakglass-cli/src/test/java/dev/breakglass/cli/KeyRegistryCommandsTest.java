package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code breakglass keys register}, {@code list} and {@code remove} on an engine configured from
 * files: a key file's public key registered, listed and removed, each change audited, and refusals
 * (a person the policy does not name, another's key, a missing key) answered with their reason
 * code and exit status 1.
 */
class KeyRegistryCommandsTest {
  @TempDir Path dir;
  Path data;
  Path policy;
  Path config;
  final CliRunner cli = new CliRunner();

  @BeforeEach
  void configureAnEngine() throws IOException {
    data = Files.createDirectories(dir.resolve("data"));
    policy = dir.resolve("policy.yaml");
    Files.writeString(policy, """
        version: 1
        incidentDeclarers: [sre-lead]
        accounts:
          prod-db-admin:
            requesters: [alice]
            custodians: [carol, dave]
            approvals: 2
            maxDuration: 30m
        """);
    Path pass = dir.resolve("vault.pass");
    Files.writeString(pass, "key-registry-vault-passphrase\n");
    Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
    config = dir.resolve("engine.properties");
    Files.writeString(config, "vault=file\nvault.file.path=" + dir.resolve("vault.json") + "\n"
        + "vault.file.passphrase-file=" + pass + "\n");
    try (EncryptedFileVault vault = EncryptedFileVault.create(dir.resolve("vault.json"),
        "key-registry-vault-passphrase".toCharArray(), Argon2Parameters.recommended())) {
      vault.write("prod-db-admin", "secret".toCharArray());
    }
  }

  private int keys(String command, String... more) {
    List<String> args = new ArrayList<>(List.of("keys", command, "--data", data.toString(), "--policy",
        policy.toString(), "--config", config.toString()));
    args.addAll(List.of(more));
    return cli.run(args.toArray(String[]::new));
  }

  /** A key file made by {@code keys generate}; returns the file holding the public key it printed. */
  private Path generated(String name) throws IOException {
    assertThat(cli.run("keys", "generate", "--out", dir.resolve(name + ".key").toString())).as(cli.err).isZero();
    Path pub = dir.resolve(name + ".pub");
    Files.writeString(pub, cli.out);
    return pub;
  }

  private static String keyId(String publicKeyText) {
    Matcher m = Pattern.compile("(?m)^key: (\\S+)$").matcher(publicKeyText);
    assertThat(m.find()).as(publicKeyText).isTrue();
    return m.group(1);
  }

  private List<AuditEvent> audit() {
    return AuditLogReader.readEvents(data.resolve("audit"));
  }

  @Test
  void aKeyIsRegisteredListedAndRemovedAndEachChangeIsAudited() throws IOException {
    Path pub = generated("carol");
    String id = keyId(Files.readString(pub));

    assertThat(keys("register", "--custodian", "carol", "--actor", "carol", "--public-key", pub.toString(),
        "--label", "carol's laptop")).as(cli.err).isZero();
    assertThat(cli.out).contains("registered ed25519 key " + id + " for carol");
    assertThat(keys("list")).isZero();
    assertThat(cli.out).contains("carol\ted25519\t" + id + "\tcarol's laptop\tregistered 20");

    assertThat(keys("remove", "--custodian", "carol", "--key-id", id, "--actor", "sre-lead", "--reason",
        "laptop stolen")).as(cli.err).isZero();
    assertThat(cli.out).contains("removed key " + id + " of carol");
    assertThat(keys("list", "--custodian", "carol")).isZero();
    assertThat(cli.out).isEmpty();
    assertThat(cli.err).contains("no keys are registered to carol");

    assertThat(audit()).filteredOn(e -> e.type() == AuditEventType.CUSTODIAN_KEY_REGISTERED).singleElement()
        .satisfies(e -> {
          assertThat(e.actor()).isEqualTo("carol");
          assertThat(e.details()).containsEntry("keyId", id).containsEntry("custodian", "carol");
        });
    assertThat(audit()).filteredOn(e -> e.type() == AuditEventType.CUSTODIAN_KEY_REMOVED).singleElement()
        .satisfies(e -> {
          assertThat(e.actor()).isEqualTo("sre-lead");
          assertThat(e.details()).containsEntry("keyId", id).containsEntry("reason", "laptop stolen");
        });
  }

  @Test
  void refusalsCarryTheirReasonCodeAndChangeNothing() throws IOException {
    Path pub = generated("mallory");
    assertThat(keys("register", "--custodian", "mallory", "--actor", "mallory", "--public-key", pub.toString()))
        .isEqualTo(1);
    assertThat(cli.err).contains("refused: NOT_AUTHORIZED: mallory is no requester or custodian");

    Path carols = generated("carol");
    String id = keyId(Files.readString(carols));
    assertThat(keys("register", "--custodian", "carol", "--actor", "carol", "--public-key", carols.toString()))
        .isZero();
    assertThat(keys("remove", "--custodian", "carol", "--key-id", id, "--actor", "dave", "--reason", "mine now"))
        .isEqualTo(1);
    assertThat(cli.err).contains("refused: NOT_AUTHORIZED: dave may not remove keys of carol");
    assertThat(keys("remove", "--custodian", "dave", "--key-id", id, "--actor", "dave", "--reason", "typo"))
        .isEqualTo(1);
    assertThat(cli.err).contains("refused: KEY_NOT_REGISTERED");
    assertThat(keys("list")).isZero();
    assertThat(cli.out).contains(id);
    assertThat(audit()).filteredOn(e -> e.type() == AuditEventType.ACCESS_DENIED).hasSize(3)
        .allSatisfy(e -> assertThat(e.details().get("operation")).endsWith("custodian-key"));
  }

  @Test
  void aPublicKeyFileThatIsNotOneIsAUsageError() throws IOException {
    Path bogus = Files.writeString(dir.resolve("bogus.pub"), "hello\n");
    assertThat(keys("register", "--custodian", "carol", "--actor", "carol", "--public-key", bogus.toString()))
        .isEqualTo(2);
    assertThat(cli.err).contains("does not start with 'breakglass-custodian-public-key v1'");
  }
}

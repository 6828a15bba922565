package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.ApprovalSignature;
import dev.breakglass.BreakGlass;
import dev.breakglass.CustodianKey;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A drill of an account whose custodians have registered keys: {@code breakglass drill} files it and
 * waits (exit 3) instead of failing or hanging, the custodians sign with {@code breakglass approve},
 * and {@code --resume} continues it from their decision files, which are untrusted input (malformed,
 * oversized, altered or misdirected files are refused by name, exit 2). The evidence pack re-verifies
 * the signatures offline; a denial fails the drill (exit 1).
 */
class SignedDrillCliTest {
  private static final String PASSPHRASE = "correct horse battery staple";

  @TempDir Path dir;
  Path data;
  Path policy;
  Path config;
  Path inbox;
  final CliRunner cli = new CliRunner();

  @BeforeEach
  void engineWithRegisteredCustodianKeys() throws IOException {
    data = Files.createDirectories(dir.resolve("data"));
    inbox = Files.createDirectories(dir.resolve("inbox"));
    policy = dir.resolve("policy.yaml");
    Files.writeString(policy, """
        version: 1
        accounts:
          prod-db-admin:
            requesters: [alice]
            custodians: [carol, dave]
            approvals: 2
            maxDuration: 30m
        """);
    Path pass = dir.resolve("vault.pass");
    Files.writeString(pass, PASSPHRASE + "\n");
    Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
    config = dir.resolve("engine.properties");
    Files.writeString(config, "vault=file\nvault.file.path=" + dir.resolve("vault.json") + "\n"
        + "vault.file.passphrase-file=" + pass + "\nrotators=vault\nrotator.vault.accounts=*\n");
    try (EncryptedFileVault vault = EncryptedFileVault.create(dir.resolve("vault.json"), PASSPHRASE.toCharArray(),
        Argon2Parameters.recommended())) {
      vault.write("prod-db-admin", "pre-staged-secret".toCharArray());
    }
    List<String> printed = new ArrayList<>();
    for (String custodian : List.of("carol", "dave")) {
      assertThat(cli.run("keys", "generate", "--out", dir.resolve(custodian + ".key").toString())).as(cli.err)
          .isEqualTo(BreakGlassCli.OK);
      printed.add(cli.out);
    }
    // While the identity provider is healthy, the host registers what each custodian printed.
    BreakGlassEngine.Builder builder = BreakGlassEngine.builder().policyFile(policy).dataDirectory(data)
        .background(false);
    Properties p = DrillCommands.properties(config);
    p.stringPropertyNames().forEach(k -> builder.property(k, p.getProperty(k)));
    try (BreakGlass engine = builder.build()) {
      register(engine, "carol", printed.get(0));
      register(engine, "dave", printed.get(1));
    }
  }

  private static void register(BreakGlass engine, String custodian, String printed) {
    engine.custodianKeys().register(CustodianKey.raw(custodian,
        ApprovalSignature.Kind.fromLabel(field(printed, "kind")),
        Base64.getUrlDecoder().decode(field(printed, "public-key")), custodian + "'s key file"), custodian);
  }

  private static String field(String text, String name) {
    return text.lines().filter(l -> l.startsWith(name + ": ")).findFirst().orElseThrow()
        .substring(name.length() + 2).strip();
  }

  private int drill(String... args) {
    List<String> all = new ArrayList<>(List.of("drill"));
    all.addAll(List.of(args));
    all.addAll(List.of("--data", data.toString(), "--policy", policy.toString(), "--config", config.toString(),
        "--actor", "alice"));
    return cli.run(all.toArray(String[]::new));
  }

  /** Files a drill; returns its id and request digest as the waiting message printed them. */
  private String[] waitingDrill() {
    assertThat(drill("prod-db-admin")).as(cli.out + cli.err).isEqualTo(BreakGlassCli.WAITING);
    Matcher m = Pattern.compile("breakglass approve --grant (\\S+) --request-digest (\\S+) --custodian NAME")
        .matcher(cli.out);
    assertThat(m.find()).as(cli.out).isTrue();
    return new String[] {m.group(1), m.group(2)};
  }

  /** What {@code breakglass approve} prints for {@code custodian}, written to a file of the inbox. */
  private Path sign(String[] drill, String custodian, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("approve", "--grant", drill[0], "--request-digest", drill[1],
        "--custodian", custodian, "--key-file", dir.resolve(custodian + ".key").toString()));
    args.addAll(List.of(more));
    CliRunner signer = new CliRunner();
    assertThat(signer.run(args.toArray(String[]::new))).as(signer.err).isEqualTo(BreakGlassCli.OK);
    return Files.writeString(inbox.resolve(custodian + DecisionFile.SUFFIX), signer.out);
  }

  @Test
  void aSignedDrillWaitsThenResumesFromTheCustodiansDecisionFiles() throws IOException {
    assertThat(drill("prod-db-admin", "--approver", "carol")).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("decisions about 'prod-db-admin' must be signed", "--approver carol",
        "breakglass approve", "--resume DRILL --decision FILE");
    assertThat(AuditLogReader.readEvents(data.resolve("audit"))).as("refused before anything was filed")
        .noneMatch(e -> e.type().name().equals("DRILL_STARTED"));

    String[] drill = waitingDrill();
    assertThat(cli.out).containsPattern("approvals +WAITING 0 of 2")
        .contains("WAITING  drill " + drill[0] + " of prod-db-admin needs 2 more approvals, signed, from carol, dave")
        .contains("breakglass drill --resume " + drill[0]).contains("--inbox DIR");
    assertThat(cli.err).isEmpty();
    Path carol = sign(drill, "carol");
    String carolText = Files.readString(carol);

    // Untrusted decision files: each refused by name, before the engine starts or changes anything.
    Path stray = dir.resolve("stray.decision");
    Files.writeString(stray, carolText.replace("custodian: carol\n", "custodian: carol\nnote: hi\n"));
    assertThat(drill("--resume", drill[0], "--decision", stray.toString())).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("decision file " + stray + ", line 5: unknown field 'note'",
        "give the file 'breakglass approve' printed, unchanged");
    Files.writeString(stray, carolText + "x".repeat(DecisionFile.MAX_BYTES));
    assertThat(drill("--resume", drill[0], "--decision", stray.toString())).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("decision file " + stray + " is larger than 16 KiB");
    Files.writeString(stray, carolText.replace("custodian: carol", "custodian: carol\u202e"));
    assertThat(drill("--resume", drill[0], "--decision", stray.toString())).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("decision file " + stray + ", line 4: it holds the control or invisible character "
        + "U+202E");
    Files.writeString(stray, carolText.replace(drill[1], "0".repeat(64)));
    assertThat(drill("--resume", drill[0], "--decision", stray.toString())).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("decision file " + stray + " was signed for request digest " + "0".repeat(64),
        "have carol sign again with --request-digest " + drill[1]);
    String signature = field(carolText, "signature");
    char c = signature.charAt(10);
    Files.writeString(stray, carolText.replace("signature: " + signature, "signature: " + signature.substring(0, 10)
        + (c == 'A' ? 'B' : 'A') + signature.substring(11)));
    assertThat(drill("--resume", drill[0], "--decision", stray.toString())).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("decision file " + stray + " was refused by the engine", "have the custodian sign "
        + "again");
    assertThat(drill("prod-db-admin", "--decision", carol.toString())).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("--decision and --inbox continue a drill that waits");

    // One decision: still waiting, and carol's approval counts.
    assertThat(drill("--resume", drill[0], "--inbox", inbox.toString())).as(cli.out + cli.err)
        .isEqualTo(BreakGlassCli.WAITING);
    assertThat(cli.out).containsPattern("approval +ok +by carol \\(signed, ed25519\\) \\(1 of 2\\)")
        .contains("needs 1 more approval, signed, from dave");
    sign(drill, "dave");
    assertThat(drill("--resume", drill[0], "--inbox", inbox.toString())).as(cli.out + cli.err)
        .isEqualTo(BreakGlassCli.OK);
    assertThat(cli.out).contains("carol's approval is counted already")
        .containsPattern("approval +ok +by dave \\(signed, ed25519\\) \\(2 of 2\\)").contains("PASSED  drill " + drill[0]);
    Path pack = data.resolve("drills").resolve(drill[0] + ".evidence.json");

    // The pack re-verifies both signatures offline; anchors from outside silence the warnings.
    CliRunner verify = new CliRunner();
    assertThat(verify.run("evidence", "verify", pack.toString())).as(verify.out).isEqualTo(BreakGlassCli.OK);
    assertThat(verify.out).contains("2 signed decisions re-verified against 2 registered custodian keys");
    assertThat(verify.err).contains("warning: no --public-key", "warning: no --checkpoint");
    Path keptKey = Files.copy(data.resolve("audit.pub"), dir.resolve("kept.pub"));
    assertThat(verify.run("checkpoint", data.resolve("audit").toString(), "--public-key", keptKey.toString()))
        .as(verify.err).isEqualTo(BreakGlassCli.OK);
    Path kept = Files.writeString(dir.resolve("kept.checkpoint"), verify.out);
    assertThat(verify.run("evidence", "verify", pack.toString(), "--public-key", keptKey.toString(), "--checkpoint",
        kept.toString(), "--json")).as(verify.out).isEqualTo(BreakGlassCli.OK);
    assertThat(verify.err).isEmpty();
    JsonNode v = JsonMapper.builder().build().readTree(verify.out);
    assertThat(v.get("keyTrusted").asBoolean()).isTrue();
    assertThat(v.get("checkpointTrusted").asBoolean()).isTrue();
    assertThat(v.get("signedDecisions").asInt()).isEqualTo(2);
    assertThat(v.get("warnings").isEmpty()).isTrue();
    assertThat(verify.run("evidence", "verify", pack.toString(), "--json", "--public-key",
        data.resolve("audit.pub").toString())).isEqualTo(BreakGlassCli.OK);
    assertThat(verify.err).contains("warning: the public key " + data.resolve("audit.pub")
        + " lies inside the data directory", "warning: no --checkpoint");
    assertThat(JsonMapper.builder().build().readTree(verify.out).get("warnings")).hasSize(1);
  }

  @Test
  void aSignedDenialFailsTheDrillWithItsEvidence() throws IOException {
    String[] drill = waitingDrill();
    Path denial = sign(drill, "dave", "--deny", "--reason", "not during the release freeze");
    assertThat(drill("--resume", drill[0], "--decision", denial.toString())).as(cli.out + cli.err)
        .isEqualTo(BreakGlassCli.FAILED);
    assertThat(cli.out).containsPattern("approval +FAILED +denied by dave \\(signed, ed25519\\)")
        .contains("FAILED  drill " + drill[0]).contains("ended DENIED before it was completed");
    CliRunner verify = new CliRunner();
    assertThat(verify.run("evidence", "verify", data.resolve("drills").resolve(drill[0] + ".evidence.json")
        .toString())).as(verify.out).isEqualTo(BreakGlassCli.OK);
    assertThat(verify.out).contains("of prod-db-admin: failed", "1 signed decision re-verified");

    assertThat(drill("--resume", drill[0], "--decision", sign(drill, "carol").toString())).isEqualTo(BreakGlassCli.FAILED);
    assertThat(cli.out).as("a finished drill is not resumed").contains("FAILED  drill " + drill[0])
        .doesNotContain("by carol");
    assertThat(drill("--resume", "bg-drill-00")).isEqualTo(BreakGlassCli.USAGE);
    assertThat(cli.err).contains("has no drill bg-drill-00");
  }
}

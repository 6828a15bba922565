package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code breakglass drill} on an engine configured from files (policy, properties, file vault with a
 * passphrase file), and {@code breakglass evidence verify} on what it wrote: exit codes, the
 * progress a person reads, and each failed part named.
 */
class DrillCommandsTest {
  private static final String PASSPHRASE = "drill-vault-passphrase-7Kq";
  private static final String SECRET = "pre-staged-secret-Zx81";

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
        accounts:
          app-admin:
            requesters: [alice]
            approvals: 0
            maxDuration: 30m
            drillEvery: 90d
          prod-db-admin:
            requesters: [alice]
            custodians: [carol, dave, erin]
            approvals: 2
            ticketRequired: true
            maxDuration: 30m
          not-in-vault:
            requesters: [alice]
            approvals: 0
          badge-admin:
            requesters: [alice]
            approvals: 0
            identification: [badge]
        """);
    Path pass = dir.resolve("vault.pass");
    Files.writeString(pass, PASSPHRASE + "\n");
    Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
    config = dir.resolve("engine.properties");
    Files.writeString(config, "vault=file\nvault.file.path=" + dir.resolve("vault.json") + "\n"
        + "vault.file.passphrase-file=" + pass + "\nrotators=vault\nrotator.vault.accounts=*\n");
    try (EncryptedFileVault vault = EncryptedFileVault.create(dir.resolve("vault.json"), PASSPHRASE.toCharArray(),
        Argon2Parameters.recommended())) {
      vault.write("app-admin", SECRET.toCharArray());
      vault.write("prod-db-admin", SECRET.toCharArray());
      vault.write("badge-admin", SECRET.toCharArray());
    }
  }

  private int drill(String account, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("drill", account, "--data", data.toString(), "--policy",
        policy.toString(), "--config", config.toString(), "--actor", "alice"));
    args.addAll(List.of(more));
    return cli.run(args.toArray(String[]::new));
  }

  private Path packFromOutput() {
    Matcher m = Pattern.compile("evidence: (\\S+\\.evidence\\.json)").matcher(cli.out);
    assertThat(m.find()).as(cli.out).isTrue();
    return Path.of(m.group(1));
  }

  @Test
  void aPassingDrillPrintsEachStepWritesTheEvidenceAndExitsZero() throws IOException {
    assertThat(drill("app-admin")).as(cli.err).isEqualTo(0);

    assertThat(cli.out).contains("Drill of app-admin by alice")
        .containsPattern("1\\. request +ok +filed as drill bg-drill-")
        .containsPattern("release +ok").containsPattern("prove +ok").containsPattern("close +ok")
        .containsPattern("rotate +ok +the credential was rotated").containsPattern("prove-rotated +ok")
        .contains("PASSED  drill bg-drill-").contains("report:   ").contains("breakglass evidence verify");
    assertThat(cli.out + cli.err).doesNotContain(SECRET).doesNotContain(PASSPHRASE);
    Path pack = packFromOutput();
    assertThat(pack.getParent()).isEqualTo(data.resolve("drills"));
    assertThat(pack).isRegularFile();
    assertThat(Path.of(pack.toString().replace(".evidence.json", ".html"))).isRegularFile();

    // The drill's records in the log are marked as a drill.
    List<AuditEvent> drillRecords = AuditLogReader.readEvents(data.resolve("audit")).stream()
        .filter(e -> "true".equals(e.details().get("drill"))).toList();
    assertThat(drillRecords).extracting(e -> e.type().name()).contains("DRILL_STARTED", "CREDENTIAL_RELEASED",
        "CREDENTIAL_ROTATED", "DRILL_COMPLETED");

    CliRunner verify = new CliRunner();
    assertThat(verify.run("evidence", "verify", pack.toString(), "--public-key", data.resolve("audit.pub").toString()))
        .as(verify.err).isEqualTo(0);
    assertThat(verify.out).startsWith("OK  " + pack).contains("of app-admin: passed")
        .containsPattern("\\d+ records proven against the signed checkpoint of").contains("signed by the trusted key");
  }

  @Test
  void anAccountThatNeedsApprovalsIsDrilledWithItsCustodiansOrWaitsForThem() {
    assertThat(drill("prod-db-admin", "--ticket", "DRILL-1", "--approver", "carol", "--approver", "dave"))
        .as(cli.out + cli.err).isEqualTo(0);
    assertThat(cli.out).containsPattern("approval +ok +by carol \\(1 of 2\\)")
        .containsPattern("approval +ok +by dave \\(2 of 2\\)").contains("PASSED");

    assertThat(drill("prod-db-admin", "--ticket", "DRILL-2", "--approver", "carol")).as(cli.out + cli.err)
        .isEqualTo(BreakGlassCli.WAITING);
    assertThat(cli.out).containsPattern("approval +ok +by carol \\(1 of 2\\)")
        .containsPattern("approvals +WAITING 1 of 2").contains("WAITING  drill bg-drill-")
        .contains("needs 1 more approval from dave, erin by ").contains("request digest: ")
        .contains("breakglass drill --resume bg-drill-");
    assertThat(cli.err).isEmpty();
    String id = waitingDrill();

    assertThat(cli.run("drill", "--resume", id, "--data", data.toString(), "--policy", policy.toString(), "--config",
        config.toString(), "--actor", "alice", "--approver", "carol", "--approver", "erin")).as(cli.out + cli.err)
        .isEqualTo(0);
    assertThat(cli.out).contains("Drill " + id + " of prod-db-admin resumed by alice")
        .contains("carol's approval is counted already").containsPattern("approval +ok +by erin \\(2 of 2\\)")
        .contains("PASSED  drill " + id);
  }

  private String waitingDrill() {
    Matcher m = Pattern.compile("WAITING  drill (bg-drill-[0-9a-f]+)").matcher(cli.out);
    assertThat(m.find()).as(cli.out).isTrue();
    return m.group(1);
  }

  @Test
  void identificationThePolicyAsksForIsGivenOnTheCommandLine() {
    assertThat(drill("badge-admin")).isEqualTo(2);
    assertThat(cli.err).containsIgnoringCase("badge");
    assertThat(drill("badge-admin", "--identification", "badge=E-10442")).as(cli.out + cli.err).isEqualTo(0);
    assertThat(cli.out).contains("PASSED");
  }

  @Test
  void theRequesterCannotApproveTheirOwnDrill() {
    assertThat(drill("prod-db-admin", "--ticket", "DRILL-1", "--approver", "alice", "--approver", "carol"))
        .isEqualTo(2);
    assertThat(cli.err).containsIgnoringCase("alice");
    assertThat(cli.out).doesNotContain("PASSED");
  }

  @Test
  void aFailedDrillNamesItsStepAndExitsOne() {
    assertThat(drill("not-in-vault")).as(cli.err).isEqualTo(1);
    assertThat(cli.out).containsPattern("FAILED").contains("FAILED  drill bg-drill-").containsPattern("not run");
    // a failed drill still leaves evidence: the pack proves the failure
    Path pack = packFromOutput();
    CliRunner verify = new CliRunner();
    assertThat(verify.run("evidence", "verify", pack.toString(), "--public-key", data.resolve("audit.pub").toString()))
        .isEqualTo(0);
    assertThat(verify.out).contains("of not-in-vault: failed");
  }

  @Test
  void jsonOutputForScripts() {
    assertThat(drill("app-admin", "--json")).isEqualTo(0);
    JsonNode n = JsonMapper.builder().build().readTree(cli.out);
    assertThat(n.get("passed").asBoolean()).isTrue();
    assertThat(n.get("account").asString()).isEqualTo("app-admin");
    assertThat(n.get("drillId").asString()).startsWith("bg-drill-");
    assertThat(Path.of(n.get("evidence").asString())).isRegularFile();
    assertThat(cli.out.strip().lines()).hasSize(1);

    CliRunner verify = new CliRunner();
    assertThat(verify.run("evidence", "verify", n.get("evidence").asString(), "--json")).isEqualTo(0);
    JsonNode v = JsonMapper.builder().build().readTree(verify.out);
    assertThat(v.get("valid").asBoolean()).isTrue();
    assertThat(v.get("keyTrusted").asBoolean()).isFalse();
    assertThat(v.get("failures").isEmpty()).isTrue();
  }

  @Test
  void aPackChangedInOneByteFailsNamingThePartThatFailed() throws IOException {
    assertThat(drill("app-admin")).isEqualTo(0);
    Path pack = packFromOutput();
    String text = Files.readString(pack, StandardCharsets.UTF_8);
    int at = text.indexOf("\"app-admin\"");
    assertThat(at).as(text.substring(0, Math.min(400, text.length()))).isPositive();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int offset = text.substring(0, at).getBytes(StandardCharsets.UTF_8).length + "\"app-admi".length();
    bytes[offset] = 'o';   // one byte: the account the summary names
    Files.write(pack, bytes);

    CliRunner verify = new CliRunner();
    assertThat(verify.run("evidence", "verify", pack.toString(), "--public-key", data.resolve("audit.pub").toString()))
        .isEqualTo(1);
    assertThat(verify.out).startsWith("FAILED  " + pack).contains("signature: ").contains("summary: account says");
  }

  @Test
  void theReportNextToThePackIsCheckedToo() throws IOException {
    assertThat(drill("app-admin")).isEqualTo(0);
    Path pack = packFromOutput();
    Path report = Path.of(pack.toString().replace(".evidence.json", ".html"));
    Files.writeString(report, Files.readString(report).replace("app-admin", "app-admix"));

    CliRunner verify = new CliRunner();
    assertThat(verify.run("evidence", "verify", pack.toString())).isEqualTo(1);
    assertThat(verify.out).contains("report: " + report);
  }

  @Test
  void badInputExitsTwoNamingTheFileAndTheFix() throws IOException {
    assertThat(cli.run("evidence", "verify", dir.resolve("missing.evidence.json").toString())).isEqualTo(2);
    assertThat(cli.err).contains("evidence pack file " + dir.resolve("missing.evidence.json") + " does not exist");

    Path notAPack = dir.resolve("notes.json");
    Files.writeString(notAPack, "{\"hello\": 1}");
    assertThat(cli.run("evidence", "verify", notAPack.toString())).isEqualTo(2);
    assertThat(cli.err).contains(notAPack + " is not a drill evidence pack");

    assertThat(cli.run("drill", "app-admin", "--data", dir.resolve("nowhere").toString(), "--policy",
        policy.toString(), "--actor", "alice")).isEqualTo(2);
    assertThat(cli.err).contains("data directory " + dir.resolve("nowhere") + " does not exist");

    assertThat(drill("payroll")).isEqualTo(2);
    assertThat(cli.err).contains("has no account 'payroll'").contains("app-admin");

    assertThat(cli.run("drill", "app-admin", "--data", data.toString(), "--policy", policy.toString())).isEqualTo(2);
    assertThat(cli.err).contains("needs --actor NAME");

    assertThat(cli.run("drill", "app-admin", "--data", data.toString(), "--policy", policy.toString(), "--config",
        dir.resolve("engine.conf").toString(), "--actor", "alice")).isEqualTo(2);
    assertThat(cli.err).contains("configuration file " + dir.resolve("engine.conf") + " does not exist");
  }

  @Test
  void helpWithExamples() {
    assertThat(cli.run("drill", "--help")).isEqualTo(0);
    assertThat(cli.out).contains("Usage: breakglass drill").contains("Examples:").contains("--approver")
        .contains("Exit status");
    assertThat(cli.out.lines().dropWhile(l -> !l.equals("Examples:")).skip(1).toList()).isNotEmpty()
        .allSatisfy(l -> assertThat(l).as("examples can be pasted: no wrapped line").hasSizeLessThanOrEqualTo(80));
    assertThat(cli.run("evidence", "verify", "--help")).isEqualTo(0);
    assertThat(cli.out).contains("Usage: breakglass evidence verify").contains("Examples:").contains("--public-key");
    assertThat(cli.run("evidence")).isEqualTo(2);
    assertThat(cli.err).contains("verify");
    assertThat(cli.run("--help")).isEqualTo(0);
    assertThat(cli.out).contains("drill").contains("evidence");
  }
}

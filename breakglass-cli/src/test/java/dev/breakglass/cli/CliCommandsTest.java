package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.AuditLogVerifier;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.Fingerprinter;
import dev.breakglass.core.audit.PostIncidentReport;
import dev.breakglass.core.audit.TamperEvidentAuditLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Help, exit codes and error messages of every command; the review formats; piped secrets. */
class CliCommandsTest {
  static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  static final AuditSigningKey KEY = AuditSigningKey.generate();
  static final String HOSTILE = "<script>window.pwned=1;document.title='PWNED'</script>\r\nline two \u202Etxt.exe";
  private static final String PASSPHRASE = "canary-passphrase-Qw3!x9";

  @TempDir Path dir;
  Path data;
  Path log;
  Path publicKey;
  final CliRunner cli = new CliRunner();

  @BeforeEach
  void writeLog() {
    data = dir.resolve("data");
    log = data.resolve("audit");
    publicKey = dir.resolve("audit.pub");
    KEY.publicKey().write(publicKey);
    write(log, incident(T0, HOSTILE), 8);
  }

  static List<AuditEvent> incident(Instant t, String reason) {
    String g = "bg-1";
    String db = "prod-db-admin";
    return List.of(
        new AuditEvent(t, AuditEventType.EMERGENCY_OPENED, AuditEvent.SYSTEM, null, null, Map.of("cause", "idp down")),
        new AuditEvent(t.plusSeconds(60), AuditEventType.ACCESS_REQUESTED, "alice", g, db,
            Map.of("reason", reason, "ticket", "INC-4711", "duration", "PT20M")),
        new AuditEvent(t.plusSeconds(90), AuditEventType.APPROVAL_ACCEPTED, "carol", g, db, Map.of("approvals", "1 of 2")),
        new AuditEvent(t.plusSeconds(95), AuditEventType.APPROVAL_ACCEPTED, "dave", g, db, Map.of("approvals", "2 of 2")),
        new AuditEvent(t.plusSeconds(95), AuditEventType.GRANT_ISSUED, "dave", g, db,
            Map.of("requester", "alice", "expiresAt", t.plusSeconds(1295).toString())),
        new AuditEvent(t.plusSeconds(96), AuditEventType.ALERT_DELIVERED, AuditEvent.SYSTEM, g, db,
            Map.of("alert", "a-1", "alertType", "GRANT_ISSUED", "channel", "webhook", "attempts", "1")),
        new AuditEvent(t.plusSeconds(100), AuditEventType.CREDENTIAL_RELEASED, "alice", g, db, Map.of("source", "vault")),
        new AuditEvent(t.plusSeconds(110), AuditEventType.EMERGENCY_LOGIN, "alice", g, db,
            Map.of("client", "hmac-sha256:0f0f")),
        new AuditEvent(t.plusSeconds(1295), AuditEventType.GRANT_EXPIRED, AuditEvent.SYSTEM, g, db, Map.of()),
        new AuditEvent(t.plusSeconds(1300), AuditEventType.CREDENTIAL_ROTATED, AuditEvent.SYSTEM, g, db, Map.of()),
        new AuditEvent(t.plusSeconds(1400), AuditEventType.EMERGENCY_CLOSED, AuditEvent.SYSTEM, null, null, Map.of()));
  }

  static void write(Path log, List<AuditEvent> events, int checkpointEvery) {
    try (TamperEvidentAuditLog l = TamperEvidentAuditLog.builder(log).signingKey(KEY).backgroundCheckpoints(false)
        .checkpointEveryRecords(checkpointEvery).build()) {
      events.forEach(l::append);
    }
  }

  @Nested
  class Help {
    @Test
    void topLevelHelpListsCommandsWithExamples() {
      assertThat(cli.run("--help")).isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).contains("Commands:", "verify", "report", "vault", "shares", "Examples:", "Exit status:");
      assertExamplesFitEightyColumns(cli.out);
    }

    /** Picocli wraps footer lines at 80 columns; a wrapped example cannot be pasted. */
    private void assertExamplesFitEightyColumns(String help) {
      List<String> examples = help.lines().dropWhile(l -> !l.equals("Examples:")).skip(1).toList();
      assertThat(examples).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("  ").hasSizeLessThanOrEqualTo(80));
    }

    @Test
    void helpCommandShowsACommandsHelp() {
      assertThat(cli.run("help", "verify")).isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).startsWith("Usage: breakglass verify").contains("--public-key=FILE", "--checkpoint=FILE");
    }

    @Test
    void versionIsTheBuildsVersion() {
      assertThat(cli.run("--version")).isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).startsWith("breakglass 0.").doesNotContain("${").contains("Java ");
      assertThat(cli.run("verify", "--version")).isEqualTo(BreakGlassCli.OK);
    }

    @Test
    void buildScriptsWriteAnExecutableLauncherAndACompletionScript() throws IOException {
      Path out = dir.resolve("target");
      BuildScripts.main(new String[] {Path.of("src/main/launcher/breakglass").toString(), out.toString()});
      Path launcher = out.resolve("breakglass");
      assertThat(Files.isExecutable(launcher)).isTrue();
      assertThat(Files.readString(launcher)).startsWith("#!/bin/sh").contains("breakglass.jar");
      String completion = Files.readString(out.resolve("breakglass_completion"));
      assertThat(completion).contains("complete -F", "verify", "checkpoint", "report", "fingerprint", "vault",
          "shares", "--public-key", "--format");
    }
  }

  @Nested
  class ExitCodesAndErrors {
    @Test
    void aMissingLogDirectoryIsUnusableInput() {
      Path missing = dir.resolve("nope/audit");
      assertThat(cli.run("verify", missing.toString(), "--public-key", publicKey.toString()))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("audit log directory " + missing + " does not exist", "<data>/audit");
      assertThat(cli.out).isEmpty();
    }

    @Test
    void theDataDirectoryGetsAHintToItsLogDirectory() {
      assertThat(cli.run("verify", data.toString(), "--public-key", publicKey.toString()))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("this is the data directory", "give its log directory, " + log);
    }

    @Test
    void theAuditPublicKeyGivenAsFingerprintKeyIsNamedAsSuch() {
      cli.stdin = "INC-4711\n";
      assertThat(cli.run("fingerprint", "--key", publicKey.toString())).isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains(publicKey + " is the audit log's public key, not the fingerprint key")
          .doesNotContain("chmod").doesNotContain("accessible");
      assertThat(cli.out).isEmpty();
    }

    @Test
    void theFingerprintKeyGivenAsPublicKeyIsNamedAsSuch() {
      Path fp = dir.resolve("fingerprint.key");
      Fingerprinter.loadOrCreate(fp);
      assertThat(cli.run("verify", log.toString(), "--public-key", fp.toString())).isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("public key file " + fp + " is the fingerprint key, not the log's public key");
    }

    @Test
    void anUnknownFormatIsNamed() {
      assertThat(cli.run("report", log.toString(), "--public-key", publicKey.toString(), "--format", "pdf"))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("--format", "pdf", "TEXT, MD, HTML, JSON");
    }

    @Test
    void aMistypedCommandIsNamedWithASuggestion() {
      assertThat(cli.run("verfy", log.toString())).isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("unknown command 'verfy'", "did you mean verify");
    }

    @Test
    void aStrayValueIsNeverEchoed() {
      assertThat(cli.run("verify", log.toString(), "hunter2-secret", "--public-key", publicKey.toString()))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("unexpected argument for verify").doesNotContain("hunter2");
    }

    /** Regression: after a record changed on disk, the count "verified before it" included unproven records. */
    @Test
    void aTamperedRecordCountsOnlyTheRecordsProvenBeforeIt() throws IOException {
      Path big = dir.resolve("big");
      List<AuditEvent> events = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        events.addAll(incident(T0.plusSeconds(3600L * i), "outage " + i));
      }
      write(big, events, 8);
      rewriteRecord(big, 24, "carol", "carlo");

      AuditLogVerifier.VerificationResult r = AuditLogVerifier.of(KEY.publicKey()).verify(big);
      assertThat(r.records()).as("records read, which the old message called verified").isEqualTo(32);

      assertThat(cli.run("verify", big.toString(), "--public-key", publicKey.toString()))
          .isEqualTo(BreakGlassCli.FAILED);
      assertThat(cli.out).contains("FAILED", "checkpoint root hash does not match",
          "24 records and 4 signed checkpoints verified before it",
          "records 24 to 31 were read but are not proven by any signature").doesNotContain("32 records");

      assertThat(cli.run("verify", big.toString(), "--public-key", publicKey.toString(), "--json"))
          .isEqualTo(BreakGlassCli.FAILED);
      JsonNode json = JsonMapper.builder().build().readTree(cli.out);
      assertThat(json.get("valid").asBoolean()).isFalse();
      assertThat(json.get("verifiedRecords").asLong()).isEqualTo(24);
      assertThat(json.get("problem").get("description").asString()).contains("root hash");
    }

    @Test
    void verifyJsonIsOneObjectForScripts() {
      assertThat(cli.run("verify", log.toString(), "--public-key", publicKey.toString(), "--json"))
          .isEqualTo(BreakGlassCli.OK);
      JsonNode json = JsonMapper.builder().build().readTree(cli.out);
      assertThat(json.get("valid").asBoolean()).isTrue();
      assertThat(json.get("records").asLong()).isEqualTo(11);
      assertThat(json.get("latestCheckpoint").get("root").asString()).matches("[A-Za-z0-9+/]+=*");
      assertThat(cli.err).isEmpty();
    }

    @Test
    void aProgressBarIsShownOnlyToAPersonAtATerminal() {
      assertThat(cli.run("verify", log.toString(), "--public-key", publicKey.toString())).isEqualTo(BreakGlassCli.OK);
      assertThat(cli.err).isEmpty();
      cli.terminal.attached = true;
      assertThat(cli.run("verify", log.toString(), "--public-key", publicKey.toString())).isEqualTo(BreakGlassCli.OK);
      assertThat(cli.err).contains("\rverifying [", "%").endsWith("\r");
      assertThat(cli.out).startsWith("OK  ");
      assertThat(cli.run("verify", log.toString(), "--public-key", publicKey.toString(), "--json"))
          .isEqualTo(BreakGlassCli.OK);
      assertThat(cli.err).isEmpty();
    }

    @Test
    void theRootIsPrintedInBase64AsInTheCheckpointText() {
      assertThat(cli.run("checkpoint", log.toString(), "--public-key", publicKey.toString())).isEqualTo(BreakGlassCli.OK);
      String root = cli.out.lines().filter(l -> l.startsWith("root ")).findFirst().orElseThrow().substring(5);
      assertThat(cli.run("verify", log.toString(), "--public-key", publicKey.toString())).isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).contains("root " + root + ",");
    }
  }

  @Nested
  class Reports {
    @Test
    void htmlReportIsWrittenToTheFileNamed() throws IOException {
      Path out = dir.resolve("reports/review.html");
      assertThat(cli.run("report", log.toString(), "--public-key", publicKey.toString(), "--format", "html", "--out",
          out.toString())).isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).contains("OK  " + log, "wrote the html review to " + out);
      String html = Files.readString(out);
      assertThat(html).startsWith("<!DOCTYPE html>").contains("id=\"timeline\"", "Verified against the signed checkpoint")
          .doesNotContain("<script>").contains("&lt;script&gt;");
    }

    @Test
    void jsonReportOnStandardOutputValidatesAgainstItsSchema() {
      assertThat(cli.run("report", log.toString(), "--public-key", publicKey.toString(), "--format", "json"))
          .isEqualTo(BreakGlassCli.OK);
      assertThat(cli.err).contains("OK  " + log);
      Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(PostIncidentReport.jsonSchema());
      List<Error> errors = schema.validate(cli.out, InputFormat.JSON);
      assertThat(errors).isEmpty();
      JsonNode json = JsonMapper.builder().build().readTree(cli.out);
      assertThat(json.get("grants").get(0).get("reason").asString()).isEqualTo(HOSTILE);
      assertThat(json.get("verifiedAgainst").get("treeSize").asLong()).isEqualTo(11);
    }

    @Test
    void theSchemaRejectsAReportThatBreaksIt() {
      cli.run("report", log.toString(), "--public-key", publicKey.toString(), "--format", "json");
      Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(PostIncidentReport.jsonSchema());
      assertThat(schema.validate(cli.out.replace("\"version\" : 1", "\"version\" : 2"), InputFormat.JSON)).isNotEmpty();
      assertThat(schema.validate(cli.out.replace("\"phase\" : \"OUTAGE\"", "\"phase\" : \"LUNCH\""), InputFormat.JSON))
          .isNotEmpty();
    }

    @Test
    void markdownReportKeepsHostileTextInItsCell() {
      assertThat(cli.run("report", log.toString(), "--public-key", publicKey.toString(), "--format", "md"))
          .isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).contains("# Post-incident review", "&lt;script&gt;", "\\\\u000D\\\\u000Aline two \\\\u202Etxt")
          .doesNotContain("\u202E").doesNotContain("<script>");
    }

    @Test
    void anOutThatIsADirectoryIsRefusedBeforeVerifying() {
      assertThat(cli.run("report", log.toString(), "--public-key", publicKey.toString(), "--format", "html", "--out",
          dir.toString())).isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("is a directory", "review.html");
    }
  }

  @Nested
  class SecretsAndShares {
    Path vault;

    @BeforeEach
    void names() {
      vault = dir.resolve("vault.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "aaaaaaaaaaaaaaaa", "abcabcabcabcabc", "abcdefghijklmnop", "1212121212121212"})
    void aWeakPassphraseIsRefusedForANewVault(String weak) {
      cli.environment.put("BG_PASS", weak);
      assertThat(cli.run("vault", "create", vault.toString(), "--passphrase-env", "BG_PASS"))
          .isEqualTo(BreakGlassCli.USAGE);
      assertThat(cli.err).contains("the new vault passphrase is too weak", "at least 12 characters")
          .doesNotContain(weak);
      assertThat(vault).doesNotExist();
    }

    @Test
    void abcIsRefusedWithItsLength() {
      cli.environment.put("BG_PASS", "abc");
      cli.run("vault", "create", vault.toString(), "--passphrase-env", "BG_PASS");
      assertThat(cli.err).contains("it has 3 characters, fewer than 12");
    }

    @Test
    void passphraseAndCredentialArePipedIn() {
      cli.stdin = PASSPHRASE + "\n";
      assertThat(cli.run("vault", "create", vault.toString(), "--passphrase-file", "-")).isEqualTo(BreakGlassCli.OK);
      cli.stdin = PASSPHRASE + "\ncanary-credential-Zr8#p2\n";
      assertThat(cli.run("vault", "put", vault.toString(), "prod-db-admin", "--passphrase-file", "-"))
          .isEqualTo(BreakGlassCli.OK);
      cli.stdin = PASSPHRASE + "\n";
      assertThat(cli.run("vault", "list", vault.toString(), "--passphrase-file", "-")).isEqualTo(BreakGlassCli.OK);
      assertThat(cli.out).contains("  prod-db-admin").doesNotContain("canary");
    }

    @Nested
    class PipedShares {
      Path shares;

      @BeforeEach
      void sealedVault() {
        shares = dir.resolve("shares");
        cli.environment.put("BG_PASS", PASSPHRASE);
        assertThat(cli.run("vault", "create", vault.toString(), "--custodians", "carol,dave,erin", "--threshold", "2",
            "--shares-dir", shares.toString(), "--passphrase-env", "BG_PASS")).isEqualTo(BreakGlassCli.OK);
      }

      @Test
      void wholeShareFilesCanBePipedIn() throws IOException {
        cli.stdin = Files.readString(shares.resolve("carol.share")) + Files.readString(shares.resolve("erin.share"));
        assertThat(cli.run("shares", "check", vault.toString(), "--passphrase-env", "BG_PASS"))
            .isEqualTo(BreakGlassCli.OK);
        assertThat(cli.out).startsWith("OK  the shares of carol, erin open vault");
      }

      @Test
      void oneShareOnStandardInputAndOneFromAFile() throws IOException {
        cli.stdin = Files.readString(shares.resolve("dave.share"));
        assertThat(cli.run("shares", "check", vault.toString(), "--passphrase-env", "BG_PASS", "--share",
            shares.resolve("carol.share").toString(), "--share", "-")).isEqualTo(BreakGlassCli.OK);
        assertThat(cli.out).contains("carol, dave");
      }

      @Test
      void aMistypedShareNamesItsFileAndGroup() throws IOException {
        Path share = shares.resolve("dave.share");
        List<String> lines = new ArrayList<>(Files.readAllLines(share));
        String body = lines.get(lines.size() - 1);
        lines.set(lines.size() - 1, (body.charAt(0) == 'A' ? 'B' : 'A') + body.substring(1));
        Path typo = dir.resolve("typo.share");
        Files.write(typo, lines);
        Files.setPosixFilePermissions(typo, PosixFilePermissions.fromString("rw-------"));
        assertThat(cli.run("shares", "check", vault.toString(), "--passphrase-env", "BG_PASS", "--share",
            shares.resolve("carol.share").toString(), "--share", typo.toString())).isEqualTo(BreakGlassCli.USAGE);
        assertThat(cli.err).contains("share file " + typo + ": group ", "typing error", "compare group ");
      }

      @Test
      void aMistypedPipedShareNamesItsPlaceOnStandardInput() throws IOException {
        String dave = Files.readString(shares.resolve("dave.share"));
        String[] lines = dave.split("\n");
        String body = lines[lines.length - 1];
        lines[lines.length - 1] = (body.charAt(0) == 'A' ? 'B' : 'A') + body.substring(1);
        cli.stdin = Files.readString(shares.resolve("carol.share")) + String.join("\n", lines) + "\n";
        assertThat(cli.run("shares", "check", vault.toString(), "--passphrase-env", "BG_PASS"))
            .isEqualTo(BreakGlassCli.USAGE);
        assertThat(cli.err).contains("share 2 on standard input: group ");
      }
    }
  }

  /** Changes {@code from} to {@code to} (same length) in record {@code index} and fixes its CRC, as a forger would. */
  static void rewriteRecord(Path log, long index, String from, String to) throws IOException {
    List<Path> segments;
    try (Stream<Path> s = Files.list(log)) {
      segments = s.filter(p -> p.getFileName().toString().endsWith(".bgaudit")).sorted().toList();
    }
    long seen = 0;
    for (Path segment : segments) {
      byte[] b = Files.readAllBytes(segment);
      ByteBuffer buf = ByteBuffer.wrap(b);
      int at = 24;
      while (at < b.length) {
        int length = buf.getInt(at);
        byte type = b[at + 4];
        int payload = at + 13;
        if (type == 1) {
          if (seen++ == index) {
            String text = new String(b, payload, length, StandardCharsets.UTF_8);
            assertThat(text).contains(from);
            byte[] changed = text.replaceFirst(from, to).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(changed, 0, b, payload, length);
            CRC32C crc = new CRC32C();
            crc.update(b, payload, length);
            buf.putInt(at + 9, (int) crc.getValue());
            Files.write(segment, b);
            return;
          }
        }
        at = payload + length;
      }
    }
    throw new IllegalStateException("no record " + index);
  }
}

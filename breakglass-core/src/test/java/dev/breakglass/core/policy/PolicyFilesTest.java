package dev.breakglass.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.breakglass.AccountPolicy;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.PolicyException;
import dev.breakglass.ReasonCode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyFilesTest {

  static Path resource(String name) {
    try {
      return Path.of(PolicyFilesTest.class.getResource("/policies/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new AssertionError("missing test resource " + name, e);
    }
  }

  @Test
  void exampleYamlLoadsEveryField() {
    BreakGlassPolicy policy = PolicyFiles.load(resource("example.yaml"));

    assertThat(policy.approvalTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(policy.rateLimit()).isEqualTo(
        new BreakGlassPolicy.RateLimit(5, Duration.ofMinutes(10), Duration.ofHours(1)));
    assertThat(policy.endGrantsWhenEmergencyEnds()).isTrue();
    assertThat(policy.incidentDeclarers()).containsExactly("sre-lead");
    assertThat(policy.accounts()).containsOnlyKeys("prod-db-admin", "prod-db-admin-2", "status-page");

    AccountPolicy db = policy.account("prod-db-admin").orElseThrow();
    assertThat(db).isEqualTo(AccountPolicy.builder("prod-db-admin")
        .requesters("alice", "bob")
        .custodians("carol", "dave", "erin")
        .approvals(2)
        .maxDuration(Duration.ofMinutes(30))
        .reasonRequired(true)
        .ticketRequired(true)
        .identificationRequired("hardware-key")
        .emergencyRequired(true)
        .backupAccount("prod-db-admin-2")
        .build());
    assertThat(policy.account("prod-db-admin-2").orElseThrow().maxDuration()).isEqualTo(Duration.ofMinutes(30));
    AccountPolicy status = policy.account("status-page").orElseThrow();
    assertThat(status.approvalsRequired()).isZero();
    assertThat(status.emergencyRequired()).isFalse();
    assertThat(status.maxDuration()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void exampleJsonLoadsTheSamePolicyAsTheYaml() {
    BreakGlassPolicy yaml = PolicyFiles.load(resource("example.yaml"));
    BreakGlassPolicy json = PolicyFiles.load(resource("example.json"));

    assertThat(json.accounts()).isEqualTo(yaml.accounts());
    assertThat(json.incidentDeclarers()).isEqualTo(yaml.incidentDeclarers());
    assertThat(json.approvalTimeout()).isEqualTo(yaml.approvalTimeout());
    assertThat(json.rateLimit()).isEqualTo(yaml.rateLimit());
    assertThat(json.endGrantsWhenEmergencyEnds()).isEqualTo(yaml.endGrantsWhenEmergencyEnds());
  }

  @Test
  void omittedFieldsTakeTheApiDefaults() {
    BreakGlassPolicy fromFile = PolicyFiles.load(resource("minimal.yml"));
    BreakGlassPolicy fromCode = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("ops-root").requesters("alice").build())
        .build();

    assertThat(fromFile.accounts()).isEqualTo(fromCode.accounts());
    assertThat(fromFile.approvalTimeout()).isEqualTo(fromCode.approvalTimeout());
    assertThat(fromFile.rateLimit()).isEqualTo(fromCode.rateLimit());
    assertThat(fromFile.endGrantsWhenEmergencyEnds()).isEqualTo(fromCode.endGrantsWhenEmergencyEnds());
    assertThat(fromFile.incidentDeclarers()).isEmpty();
  }

  @Test
  void loadedPolicyCannotBeModified() {
    BreakGlassPolicy policy = PolicyFiles.load(resource("example.yaml"));

    assertThatThrownBy(() -> policy.accounts().remove("prod-db-admin"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> policy.account("prod-db-admin").orElseThrow().custodians().add("mallory"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest(name = "{0} -> line {1}, field {2}")
  @MethodSource("malformedFiles")
  void malformedFileNamesFileLineAndField(String name, int line, String field, String problem) {
    Path file = resource("invalid/" + name);

    PolicyException e = catchThrowableOfType(PolicyException.class, () -> PolicyFiles.load(file));

    assertThat(e).as("loading %s must fail", name).isNotNull();
    assertThat(e.code()).isEqualTo(ReasonCode.INVALID_POLICY);
    assertThat(e.source()).isEqualTo(file.toString());
    assertThat(e.line()).as("line of %s", e.getMessage()).isEqualTo(line);
    assertThat(e.field()).as("field of %s", e.getMessage()).isEqualTo(field);
    assertThat(e.problem()).contains(problem);
    String location = file + ":" + line + (field == null ? "" : " field '" + field + "'");
    assertThat(e.getMessage()).startsWith("invalid policy " + location + ": ").contains(problem);
  }

  static Stream<Arguments> malformedFiles() {
    String acct = "accounts.prod-db-admin.";
    return Stream.of(
        // unknown fields, with the allowed ones listed
        Arguments.of("unknown-field.yaml", 6, acct + "aprovals",
            "unknown field 'aprovals'; an account allows requesters, custodians, approvals, maxDuration"),
        Arguments.of("unknown-top-field.yaml", 2, "emergencyTimeout",
            "unknown field 'emergencyTimeout'; the top level allows version, approvalTimeout, rateLimit"),
        Arguments.of("unknown-rate-limit-field.yaml", 5, "rateLimit.burst",
            "unknown field 'burst'; rateLimit allows maxRequests, window, maxBackoff"),
        Arguments.of("unknown-field.json", 6, acct + "approval", "unknown field 'approval'"),
        // wrong types
        Arguments.of("approvals-not-a-number.yaml", 5, acct + "approvals",
            "must be a whole number, found the text 'two'"),
        Arguments.of("approvals-decimal.yaml", 5, acct + "approvals", "must be a whole number, found the number 1.5"),
        Arguments.of("approvals-as-text.json", 6, acct + "approvals", "must be a whole number, found the text '2'"),
        Arguments.of("boolean-as-yes.yaml", 4, acct + "ticketRequired", "must be true or false, found the text 'yes'"),
        Arguments.of("requesters-not-a-list.yaml", 3, acct + "requesters",
            "must be a list of names, found the text 'alice'"),
        Arguments.of("requester-is-a-number.yaml", 5, acct + "requesters",
            "each requester must be a name (text), found the number 42"),
        Arguments.of("accounts-is-a-list.yaml", 2, "accounts",
            "must be a mapping of break-glass accounts by name, found a list"),
        Arguments.of("account-not-a-mapping.yaml", 2, "accounts.prod-db-admin",
            "must be a mapping of the rules of account 'prod-db-admin', found the text 'yes'"),
        Arguments.of("null-value.yaml", 4, acct + "maxDuration", "found nothing"),
        Arguments.of("unsupported-version.yaml", 1, "version", "version 2 is not supported"),
        // durations
        Arguments.of("bad-duration.yaml", 4, acct + "maxDuration", "'30 minutes' is not a duration"),
        Arguments.of("duration-without-unit.yaml", 5, acct + "maxDuration",
            "must be a duration such as 90s, 30m, 2h, 1d or PT30M, found the number 30"),
        Arguments.of("duration-as-number.json", 5, acct + "maxDuration", "found the number 30"),
        Arguments.of("approval-timeout-bad.yaml", 2, "approvalTimeout", "'15mins' is not a duration"),
        Arguments.of("duration-zero.yaml", 5, acct + "maxDuration", "must be positive"),
        Arguments.of("duration-overflow.yaml", 4, acct + "maxDuration", "'999999999999999d' is not a duration"),
        Arguments.of("duration-too-long.yaml", 4, acct + "maxDuration", "must be at most 7 days"),
        // references and the roster
        Arguments.of("unknown-backup-account.yaml", 4, acct + "backupAccount",
            "names the unknown account 'prod-db-spare'; defined accounts: prod-db-admin, prod-db-admin-2"),
        Arguments.of("unknown-backup-account.json", 5, acct + "backupAccount", "names the unknown account 'spare'"),
        Arguments.of("backup-account-is-itself.yaml", 4, acct + "backupAccount", "must name another account"),
        Arguments.of("unknown-custodian.yaml", 8, acct + "custodians",
            "custodian 'mallory' is not listed under 'people' (line 1)"),
        Arguments.of("unknown-requester.yaml", 6, acct + "requesters",
            "requester 'bob' is not listed under 'people' (line 1)"),
        Arguments.of("unknown-incident-declarer.yaml", 4, "incidentDeclarers",
            "incident declarer 'sre-lead' is not listed under 'people'"),
        // approvals
        Arguments.of("more-approvals-than-custodians.yaml", 5, acct + "approvals",
            "requires 3 approvals but only 2 custodians are named"),
        Arguments.of("more-approvals-than-custodians.json", 6, acct + "approvals",
            "requires 3 approvals but only 2 custodians are named"),
        Arguments.of("approvals-negative.yaml", 4, acct + "approvals", "must be 0 or more, was -1"),
        Arguments.of("approvals-with-empty-custodians.yaml", 5, acct + "custodians",
            "must name custodians because approvals is 2"),
        Arguments.of("approvals-without-custodians.yaml", 2, acct + "custodians",
            "must name custodians because approvals is 1"),
        Arguments.of("approvals-unreachable-for-custodian-requester.yaml", 5, acct + "approvals",
            "when custodian 'carol' requests, only 1 other custodian(s) can approve"),
        Arguments.of("custodians-without-approvals.yaml", 4, acct + "approvals",
            "is missing; an account that lists custodians must say how many of them must approve"),
        Arguments.of("missing-requesters.yaml", 5, acct + "requesters", "must name at least one requester"),
        // duplicates
        Arguments.of("duplicate-key.yaml", 6, acct + "approvals", "is defined twice (first on line 5)"),
        Arguments.of("duplicate-key.json", 8, "approvalTimeout", "is defined twice (first on line 7)"),
        Arguments.of("duplicate-account.yaml", 4, "accounts.prod-db-admin", "is defined twice (first on line 2)"),
        Arguments.of("duplicate-custodian.yaml", 7, acct + "custodians",
            "custodian 'carol' is listed twice (first on line 5)"),
        Arguments.of("blank-requester.yaml", 3, acct + "requesters", "a requester must not be blank"),
        // rate limit
        Arguments.of("rate-limit-partial.yaml", 1, "rateLimit.window",
            "is missing; rateLimit needs all of maxRequests, window, maxBackoff"),
        Arguments.of("rate-limit-zero-requests.yaml", 3, "rateLimit.maxRequests", "must be at least 1, was 0"),
        Arguments.of("rate-limit-backoff-below-window.yaml", 4, "rateLimit.maxBackoff", "must be at least the window"),
        // structure
        Arguments.of("missing-accounts.yaml", 1, "accounts", "is missing"),
        Arguments.of("empty-accounts.yaml", 2, "accounts", "must define at least one break-glass account"),
        Arguments.of("empty.yaml", 1, "accounts", "the file is empty"),
        Arguments.of("comments-only.yaml", 1, "accounts", "the file is empty (or only comments)"),
        Arguments.of("empty.json", 1, "accounts", "the file is empty"),
        Arguments.of("not-a-mapping.yaml", 1, null, "the top level must be a mapping"),
        Arguments.of("list-at-top.yaml", 1, null, "the top level must be a mapping with the fields version,"),
        Arguments.of("yaml-alias.yaml", 4, acct + "requesters", "uses a YAML alias (*everyone)"),
        Arguments.of("two-documents.yaml", 5, null, "holds more than one document"),
        Arguments.of("trailing-garbage.json", 6, null, "holds more than one document"),
        // syntax
        Arguments.of("unclosed-list.yaml", 4, acct + "requesters",
            "is not valid YAML: expected ',' or ']', but got : (while parsing a flow sequence that starts on line 3)"),
        Arguments.of("bad-indentation.yaml", 4, "accounts.prod-db-admin",
            "is not valid YAML: expected <block end>, but found '<block mapping start>' (while parsing a block mapping"),
        Arguments.of("too-deep.yaml", 3, acct + "requesters", "is not valid YAML"),
        Arguments.of("missing-comma.json", 5, "accounts.prod-db-admin", "is not valid JSON"),
        Arguments.of("truncated.json", 5, "accounts.prod-db-admin", "is not valid JSON"),
        Arguments.of("yaml-in-json-file.json", 1, null, "is not valid JSON"));
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    Path file = dir.resolve("nowhere.yaml");

    PolicyException e = catchThrowableOfType(PolicyException.class, () -> PolicyFiles.load(file));

    assertThat(e.source()).isEqualTo(file.toString());
    assertThat(e.line()).isEqualTo(-1);
    assertThat(e.field()).isNull();
    assertThat(e.getMessage()).isEqualTo("invalid policy " + file + ": does not exist");
  }

  @Test
  void directoryIsNotAPolicyFile(@TempDir Path dir) throws IOException {
    Path file = Files.createDirectory(dir.resolve("policy.yaml"));

    assertThatThrownBy(() -> PolicyFiles.load(file))
        .isInstanceOf(PolicyException.class)
        .hasMessage("invalid policy " + file + ": is a directory, not a policy file");
  }

  @Test
  void unknownExtensionIsRejectedBeforeReading(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("policy.txt"), "accounts: {}\n");

    assertThatThrownBy(() -> PolicyFiles.load(file))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("name a policy file *.yaml, *.yml or *.json");
  }

  @Test
  void extensionIsCaseInsensitive(@TempDir Path dir) throws IOException {
    Path file = Files.copy(resource("minimal.yml"), dir.resolve("POLICY.YAML"));

    assertThat(PolicyFiles.load(file).accounts()).containsOnlyKeys("ops-root");
  }

  @Test
  void binaryContentIsNotUtf8AndNamesItsLine(@TempDir Path dir) throws IOException {
    byte[] content = "accounts:\n  ops:\n    requesters: [\u00e9]\n".getBytes(StandardCharsets.ISO_8859_1);
    Path file = Files.write(dir.resolve("latin1.yaml"), content);

    PolicyException e = catchThrowableOfType(PolicyException.class, () -> PolicyFiles.load(file));

    assertThat(e.line()).isEqualTo(3);
    assertThat(e.getMessage()).startsWith("invalid policy " + file + ":3: is not UTF-8 text");
  }

  @Test
  void fileLargerThanOneMebibyteIsRefusedUnread(@TempDir Path dir) throws IOException {
    byte[] content = new byte[PolicyFiles.MAX_FILE_BYTES + 1];
    java.util.Arrays.fill(content, (byte) '#');
    Path file = Files.write(dir.resolve("huge.yaml"), content);

    assertThatThrownBy(() -> PolicyFiles.load(file))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("is 1048577 bytes; a policy file is at most 1048576 bytes");
  }

  @Test
  void byteOrderMarkIsAccepted(@TempDir Path dir) throws IOException {
    byte[] json = Files.readAllBytes(resource("example.json"));
    byte[] withBom = new byte[json.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(json, 0, withBom, 3, json.length);
    Path file = Files.write(dir.resolve("bom.json"), withBom);

    assertThat(PolicyFiles.load(file).accounts()).hasSize(3);
  }

  @Test
  void parseNamesTheGivenSource() {
    byte[] content = "accounts:\n  ops:\n    requesters: [alice]\n    approvals: 1\n"
        .getBytes(StandardCharsets.UTF_8);

    PolicyException e = catchThrowableOfType(PolicyException.class,
        () -> PolicyFiles.parse("classpath:/breakglass.yaml", content, PolicyFiles.Format.YAML));

    assertThat(e.getMessage()).isEqualTo("invalid policy classpath:/breakglass.yaml:2 field "
        + "'accounts.ops.custodians': must name custodians because approvals is 1");
  }

  @Test
  void keyWithAControlCharacterIsRejectedWithoutEchoingIt(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("forged-key.json"),
        "{\"accounts\": {\n\"ops\\n[ERROR] forged\": {\"requesters\": [\"alice\"]}}}");

    PolicyException e = catchThrowableOfType(PolicyException.class, () -> PolicyFiles.load(file));

    assertThat(e.line()).isEqualTo(2);
    assertThat(e.field()).isEqualTo("accounts");
    assertThat(e.getMessage()).doesNotContain("\n").contains("has a key with a control character ('ops?[ERROR] forged')");
  }

  @Test
  void nameWithAControlCharacterIsRejected(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("forged-name.yaml"),
        "accounts:\n  ops:\n    requesters: [\"alice\\r\\nbob\"]\n");

    PolicyException e = catchThrowableOfType(PolicyException.class, () -> PolicyFiles.load(file));

    assertThat(e.line()).isEqualTo(3);
    assertThat(e.field()).isEqualTo("accounts.ops.requesters");
    assertThat(e.getMessage()).doesNotContain("\n").contains("requester 'alice??bob' must not contain control characters", "U+000D");
  }

  @Test
  void controlCharactersFromTheFileNeverReachTheMessage(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("forged.json"),
        "{\"accounts\": {\"ops\": {\"requesters\": [\"alice\"], \"maxDuration\": \"1h\\n[ERROR] forged\"}}}");

    PolicyException e = catchThrowableOfType(PolicyException.class, () -> PolicyFiles.load(file));

    assertThat(e.getMessage()).doesNotContain("\n").contains("'1h?[ERROR] forged' is not a duration");
  }
}

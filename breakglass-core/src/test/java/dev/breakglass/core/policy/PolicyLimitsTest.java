package dev.breakglass.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.PolicyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact edges of what a policy file may hold, and how values of the wrong kind are described. */
class PolicyLimitsTest {
  private static final String OPS = "accounts:\n  ops:\n    requesters: [alice]\n";

  private static BreakGlassPolicy parse(String yaml) {
    return PolicyFiles.parse("test.yaml", yaml.getBytes(StandardCharsets.UTF_8), PolicyFiles.Format.YAML);
  }

  private static PolicyException rejected(String yaml) {
    PolicyException e = catchThrowableOfType(PolicyException.class, () -> parse(yaml));
    assertThat(e).as("must be rejected:%n%s", yaml).isNotNull();
    return e;
  }

  @Test
  void aRequesterWhoIsACustodian_isAccepted_whenTheOthersCanStillReachTheThreshold() {
    BreakGlassPolicy policy = parse("accounts:\n  ops:\n    requesters: [carol]\n"
        + "    custodians: [carol, dave, erin]\n    approvals: 2\n");

    assertThat(policy.account("ops").orElseThrow().approvalsRequired()).isEqualTo(2);
  }

  @Test
  void approvals_atTheEdgesOfAnInt_reachTheRulesOfApprovals() {
    assertThat(rejected(OPS + "    custodians: [carol]\n    approvals: 2147483647\n").problem())
        .contains("requires 2147483647 approvals but only 1 custodians are named");
    assertThat(rejected(OPS + "    approvals: -2147483648\n").problem())
        .isEqualTo("must be 0 or more, was -2147483648");
  }

  @Test
  void approvals_beyondAnInt_areOutOfRange() {
    PolicyException tooMany = rejected(OPS + "    custodians: [carol]\n    approvals: 2147483648\n");
    assertThat(tooMany.problem()).isEqualTo("the number 2147483648 is out of range");
    assertThat(tooMany.line()).isEqualTo(5);
    assertThat(rejected(OPS + "    approvals: -2147483649\n").problem())
        .isEqualTo("the number -2147483649 is out of range");
  }

  @Test
  void aNameThatIsANumber_isToldToQuoteIt_butANestedListIsNot() {
    assertThat(rejected("accounts:\n  ops:\n    requesters: [42]\n").problem())
        .isEqualTo("each requester must be a name (text), found the number 42; quote it if it is meant as a name");
    assertThat(rejected("accounts:\n  ops:\n    requesters: [[alice]]\n").problem())
        .isEqualTo("each requester must be a name (text), found a list");
  }

  @Test
  void valuesOfTheWrongKind_areDescribedByWhatTheyAre() {
    assertThat(rejected(OPS + "    backupAccount: {name: spare}\n").problem())
        .isEqualTo("must be text, found a mapping");
    assertThat(rejected(OPS + "    ticketRequired: [true]\n").problem())
        .isEqualTo("must be true or false, found a list");
    assertThat(rejected(OPS + "    backupAccount: true\n").problem())
        .isEqualTo("must be text, found the boolean true");
  }

  @Test
  void aYamlErrorWithoutContext_isReportedWithItsProblem() {
    PolicyException e = rejected("accounts:\n  ops: a: b\n");

    assertThat(e.line()).isEqualTo(2);
    assertThat(e.problem()).isEqualTo("is not valid YAML: mapping values are not allowed here");
  }

  @Test
  void aMultiLineValue_isPlacedOnTheLineWhereItStarts() {
    PolicyException e = rejected(OPS + "    approvals: |\n      two\n      three\n    maxDuration: 1h\n");

    assertThat(e.problem()).startsWith("must be a whole number, found the text 'two");
    assertThat(e.line()).isEqualTo(4);
  }

  @Test
  void contentOfExactlyOneMebibyte_isAccepted(@TempDir Path dir) throws IOException {
    byte[] content = exactly(PolicyFiles.MAX_FILE_BYTES, OPS);

    assertThat(PolicyFiles.parse("big.yaml", content, PolicyFiles.Format.YAML).accounts()).hasSize(1);
    Path file = Files.write(dir.resolve("big.yaml"), content);
    assertThat(Files.size(file)).isEqualTo(1 << 20);
    assertThat(PolicyFiles.load(file).accounts()).hasSize(1);
  }

  /** {@code yaml} followed by a comment that brings it to exactly {@code size} bytes. */
  private static byte[] exactly(int size, String yaml) {
    byte[] head = yaml.getBytes(StandardCharsets.UTF_8);
    byte[] content = new byte[size];
    System.arraycopy(head, 0, content, 0, head.length);
    content[head.length] = '#';
    for (int i = head.length + 1; i < size - 1; i++) {
      content[i] = 'x';
    }
    content[size - 1] = '\n';
    return content;
  }
}

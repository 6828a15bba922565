package dev.breakglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.Decision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decision files are untrusted: parsed strictly, every refusal names the file, the line and the fix. */
class DecisionFileTest {
  private static final String DIGEST = "3f9a".repeat(16);
  private static final String SIGNED = """
      breakglass-signed-decision-v1
      grant: bg-drill-5c1e0aa4
      request-digest: %s
      custodian: carol
      decision: approve
      breakglass-signature-v1
      kind: ed25519
      key: ed25519:Xq3vN0aB
      signed-at: 2026-11-28T09:01:30Z
      signature: 9f2aQ0
      """.formatted(DIGEST);
  private static final Path FILE = Path.of("carol.decision");

  @Test
  void whatApprovePrintsIsRead() {
    DecisionFile d = DecisionFile.parse(FILE, SIGNED);
    assertThat(d.grant()).isEqualTo("bg-drill-5c1e0aa4");
    assertThat(d.requestDigest()).isEqualTo(DIGEST);
    assertThat(d.custodian()).isEqualTo("carol");
    assertThat(d.decision()).isEqualTo(Decision.APPROVE);
    assertThat(d.signature().keyId()).isEqualTo("ed25519:Xq3vN0aB");
    assertThat(DecisionFile.parse(FILE, SIGNED.replace("\n", "\r\n")).custodian()).as("CRLF line ends")
        .isEqualTo("carol");
  }

  @Test
  void everyDeviationIsRefusedNamingFileLineAndFix() {
    List<String[]> cases = List.of(
        new String[] {"\n" + SIGNED, "line 1: the first line is not 'breakglass-signed-decision-v1'"},
        new String[] {SIGNED.replace("custodian: carol\n", "custodian: carol\ncustodian: dave\n"),
            "line 5: 'custodian' appears twice"},
        new String[] {SIGNED.replace("decision: approve\n", "decision: approve\n\n"), "line 6: the line is not"},
        new String[] {SIGNED.replace("custodian: carol", "custodian:  carol"), "line 4: the value of 'custodian'"},
        new String[] {SIGNED.replace("custodian: carol", "custodian: ca\rrol"), "U+000D"},
        new String[] {SIGNED.replace("custodian: carol", "custodian: ca\u200brol"), "U+200B"},
        new String[] {SIGNED.substring(0, SIGNED.indexOf("breakglass-signature-v1")), "the decision is not signed"},
        new String[] {SIGNED + "breakglass-signature-v1\n", "a second 'breakglass-signature-v1' line"},
        new String[] {SIGNED.replace("grant: bg-drill-5c1e0aa4\n", ""), "the field 'grant' is missing"},
        new String[] {SIGNED.replace("bg-drill-5c1e0aa4", "../etc/passwd"), "is not a grant id"},
        new String[] {SIGNED.replace(DIGEST, DIGEST.toUpperCase()), "64 lower-case hex digits"},
        new String[] {SIGNED.replace("decision: approve", "decision: maybe"), "'approve' or 'deny', not 'maybe'"},
        new String[] {SIGNED.replace("decision: approve", "decision: deny"), "a denial needs its 'reason' line"},
        new String[] {SIGNED.replace("kind: ed25519", "kind: rsa"), "the signature is malformed"},
        new String[] {SIGNED.replace("signed-at: ", "signed-on: "), "unknown field 'signed-on'"});
    for (String[] c : cases) {
      assertThatThrownBy(() -> DecisionFile.parse(FILE, c[0])).as(c[1]).isInstanceOf(UsageException.class)
          .hasMessageStartingWith("decision file carol.decision").hasMessageContaining(c[1])
          .hasMessageEndingWith("give the file 'breakglass approve' printed, unchanged");
    }
  }

  @Test
  void filesThatAreNoDecisionsAreRefusedBeforeParsing(@TempDir Path dir) throws IOException {
    Path latin1 = Files.write(dir.resolve("latin1.decision"), new byte[] {'b', 'g', (byte) 0xE9});
    assertThatThrownBy(() -> DecisionFile.read(latin1)).hasMessageContaining("is not UTF-8 text");
    Path link = Files.createSymbolicLink(dir.resolve("link.decision"), latin1);
    assertThatThrownBy(() -> DecisionFile.read(link)).hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> DecisionFile.readAll(List.of(), dir.resolve("nowhere")))
        .hasMessageContaining("decision inbox " + dir.resolve("nowhere") + " does not exist");
    Files.writeString(dir.resolve("b.decision"), SIGNED.replace("carol", "dave"));
    Files.writeString(dir.resolve("a.decision"), SIGNED);
    Files.writeString(dir.resolve("notes.txt"), "not a decision");
    Files.delete(latin1);
    Files.delete(link);
    assertThat(DecisionFile.readAll(List.of(), dir)).extracting(DecisionFile::custodian)
        .as("the inbox's *.decision files in name order").containsExactly("carol", "dave");
  }
}

package dev.breakglass.core.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pack's signature line found exactly, and only a plain report file name taken from a pack. */
class EvidenceFormatTest {
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static final String BODY = "{\n  \"format\" : \"breakglass-drill-evidence\"";
  static final String SIG = "AZaz09+/==";

  @Test
  void aJoinedPackSplitsBackIntoItsBodyAndSignature() {
    byte[] file = EvidenceFormat.join(bytes(BODY), SIG);
    assertThat(text(file)).isEqualTo(BODY + ",\n  \"signature\": \"" + SIG + "\"\n}\n");
    EvidenceFormat.Split split = EvidenceFormat.split(file);
    assertThat(text(split.body())).isEqualTo(BODY);
    assertThat(split.signature()).isEqualTo(SIG);
  }

  @Test
  void theLastSignatureLineIsTheOneThatCounts() {
    byte[] file = EvidenceFormat.join(EvidenceFormat.join(bytes(BODY), "AAAA"), SIG);
    EvidenceFormat.Split split = EvidenceFormat.split(file);
    assertThat(split.signature()).isEqualTo(SIG);
    assertThat(text(split.body())).isEqualTo(text(EvidenceFormat.join(bytes(BODY), "AAAA")));
  }

  @Test
  void aPackWhoseBodyIsEmptyStillSplits() {
    EvidenceFormat.Split split = EvidenceFormat.split(EvidenceFormat.join(new byte[0], "QQ=="));
    assertThat(split.body()).isEmpty();
    assertThat(split.signature()).isEqualTo("QQ==");
    EvidenceFormat.Split empty = EvidenceFormat.split(EvidenceFormat.join(bytes(BODY), ""));
    assertThat(empty.signature()).isEmpty();
  }

  @Test
  void aFileWithoutAnExactSignatureLineDoesNotSplit() {
    assertThat(EvidenceFormat.split(bytes(BODY))).as("no marker").isNull();
    assertThat(EvidenceFormat.split(bytes("x".repeat(19) + "QQ==\"\n}\n"))).as("base64 and a trailer, no marker")
        .isNull();
    assertThat(EvidenceFormat.split(new byte[0])).isNull();
    String good = text(EvidenceFormat.join(bytes(BODY), SIG));
    assertThat(EvidenceFormat.split(bytes(good.substring(0, good.length() - 1)))).as("no final newline").isNull();
    assertThat(EvidenceFormat.split(bytes(good + " "))).as("something after the trailer").isNull();
    assertThat(EvidenceFormat.split(bytes(BODY + ",\n  \"signature\": \"}\n"))).as("marker and trailer overlap")
        .isNull();
    for (char c : new char[] {'-', '_', '.', ' ', '"', '@', '[', '`', '{', ':', '\u00e9'}) {
      assertThat(EvidenceFormat.split(EvidenceFormat.join(bytes(BODY), "AB" + c + "C"))).as("'%s'", c).isNull();
    }
    for (char c : "AZaz09+/=".toCharArray()) {
      assertThat(EvidenceFormat.split(EvidenceFormat.join(bytes(BODY), "" + c))).as("'%s'", c).isNotNull();
    }
  }

  @Test
  void theSignedBytesAreTheDomainThenTheBody() {
    byte[] signed = EvidenceFormat.signed(bytes("body"));
    assertThat(text(signed)).isEqualTo("breakglass-drill-evidence-signature v1\nbody");
    assertThat(EvidenceFormat.sha256Hex(bytes("abc")))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void onlyAPlainHtmlFileNameIsTakenAsTheReport() {
    assertThat(EvidenceFormat.reportFileName(bytes("{\"report\":{\"file\":\"drill-7.html\"}}"))).isEqualTo("drill-7.html");
    assertThat(EvidenceFormat.reportFileName(bytes("{\"report\":{\"file\":\"a" + "b".repeat(200) + ".html\"}}")))
        .hasSize(206);
    assertThat(EvidenceFormat.reportFileName(bytes("{\"report\":{\"file\":\"a" + "b".repeat(201) + ".html\"}}")))
        .isNull();
    for (String bad : new String[] {"../drill.html", "/etc/passwd.html", "drill.htm", ".hidden.html", "a b.html",
        "dir/drill.html", ""}) {
      assertThat(EvidenceFormat.reportFileName(bytes("{\"report\":{\"file\":\"" + bad + "\"}}"))).as(bad).isNull();
    }
    assertThat(EvidenceFormat.reportFileName(bytes("{\"report\":{\"file\":7}}"))).isNull();
    assertThat(EvidenceFormat.reportFileName(bytes("{\"report\":{}}"))).isNull();
    assertThat(EvidenceFormat.reportFileName(bytes("not json"))).isNull();
    assertThat(EvidenceFormat.reportFileName(bytes("[1,2]"))).isNull();
  }
}

package dev.breakglass.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeTextTest {
  @Test
  void shortText_isQuotedWhole() {
    assertThat(SafeText.printable("port 5432", 20)).isEqualTo("port 5432");
  }

  @Test
  void textOfExactlyTheBound_isNotCut() {
    assertThat(SafeText.printable("abcde", 5)).isEqualTo("abcde");
  }

  @Test
  void longerText_isCutAtTheBound_andMarked() {
    assertThat(SafeText.printable("abcdef", 5)).isEqualTo("abcde...");
  }

  @Test
  void controlCharacters_cannotForgeALine() {
    assertThat(SafeText.printable("ok\r\nFAKE LOG LINE\u001B[31m\u0000\u0085", 80))
        .isEqualTo("ok??FAKE LOG LINE?[31m??");
  }

  @Test
  void replacedCharacters_countTowardsTheBound() {
    assertThat(SafeText.printable("\n\n\nabc", 4)).isEqualTo("???a...");
  }

  @Test
  void null_isShownAsNull() {
    assertThat(SafeText.printable(null)).isEqualTo("null");
    assertThat(SafeText.printable(null, 3)).isEqualTo("null");
  }

  @Test
  void zeroBound_showsOnlyThatTextWasCut() {
    assertThat(SafeText.printable("secret-looking value", 0)).isEqualTo("...");
    assertThat(SafeText.printable("", 0)).isEmpty();
  }

  @Test
  void defaultBound_isEightyCharacters() {
    String ninety = "x".repeat(90);

    assertThat(SafeText.printable(ninety)).isEqualTo("x".repeat(SafeText.DEFAULT_MAX) + "...");
    assertThat(SafeText.printable("x".repeat(80))).isEqualTo("x".repeat(80));
    assertThat(SafeText.DEFAULT_MAX).isEqualTo(80);
  }
}

package dev.breakglass.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The exact edges of what a {@link SecretGenerator} accepts, and what it reports about itself. */
class SecretGeneratorLimitsTest {
  @Test
  void twoCharacterAlphabet_isTheSmallestAccepted() {
    SecretGenerator binary = SecretGenerator.of("01", 128);

    assertThat(binary.alphabet()).isEqualTo("01");
    assertThat(new String(binary.generate())).matches("[01]{128}");
  }

  @Test
  void exactly128Bits_isEnough() {
    SecretGenerator generator = SecretGenerator.of("0123456789abcdef", 32);

    assertThat(generator.entropyBits()).isEqualTo(128.0);
    assertThat(generator.generate()).hasSize(32);
  }

  @Test
  void oneBitShortOf128_isRejected() {
    assertThatThrownBy(() -> SecretGenerator.of("01", 127))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("127 bits of entropy")
        .hasMessageContaining("at least 128");
  }

  @Test
  void lengthOne_isInRangeButRejectedForItsEntropy_namingTheLengthNeeded() {
    assertThatThrownBy(() -> SecretGenerator.alphanumeric(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a secret of 1 characters")
        .hasMessageContaining("use a length of at least 22")
        .hasMessageNotContaining("between");
  }

  @Test
  void maximumLength_isAccepted() {
    SecretGenerator longest = SecretGenerator.alphanumeric(SecretGenerator.MAX_LENGTH);

    assertThat(longest.length()).isEqualTo(1024);
    assertThat(longest.generate()).hasSize(1024);
  }

  @Test
  void alphabet_isReportedAsGiven() {
    assertThat(SecretGenerator.defaults().alphabet()).isEqualTo(SecretGenerator.ALPHANUMERIC);
    assertThat(SecretGenerator.of("xyz!#$%&*+-=?@^_", 40).alphabet()).isEqualTo("xyz!#$%&*+-=?@^_");
  }
}

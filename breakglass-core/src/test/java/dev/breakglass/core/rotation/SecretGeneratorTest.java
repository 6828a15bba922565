package dev.breakglass.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretGeneratorTest {
  @Test
  void generate_drawsOnlyFromTheAlphabet_andUsesAllOfIt() {
    SecretGenerator generator = SecretGenerator.of("abcdefghijklmnop", 40);
    Set<Character> seen = new HashSet<>();

    for (int i = 0; i < 200; i++) {
      char[] secret = generator.generate();
      assertThat(secret).hasSize(40);
      for (char c : secret) {
        assertThat("abcdefghijklmnop").contains(String.valueOf(c));
        seen.add(c);
      }
    }

    // 8000 draws from 16 characters: missing one has probability 16 * (15/16)^8000, about 1e-223.
    assertThat(seen).hasSize(16);
  }

  @Test
  void generate_givesADifferentSecretEachTime() {
    SecretGenerator generator = SecretGenerator.defaults();
    Set<String> secrets = new HashSet<>();

    for (int i = 0; i < 1000; i++) {
      secrets.add(new String(generator.generate()));
    }

    assertThat(secrets).hasSize(1000);
  }

  @Test
  void defaults_are32AlphanumericCharactersOfAbout190Bits() {
    SecretGenerator generator = SecretGenerator.defaults();

    assertThat(new String(generator.generate())).matches("[A-Za-z0-9]{32}");
    assertThat(generator.entropyBits()).isBetween(190.0, 191.0);
  }

  @Test
  void lengthBelow128Bits_isRejectedNamingTheLengthNeeded() {
    assertThatThrownBy(() -> SecretGenerator.alphanumeric(21))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("21 characters")
        .hasMessageContaining("at least 22");
    assertThat(SecretGenerator.alphanumeric(22).length()).isEqualTo(22);
  }

  @Test
  void repeatedAlphabetCharacter_isRejected() {
    assertThatThrownBy(() -> SecretGenerator.of("abcabc" + "0123456789", 64))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repeats the character 'a'");
  }

  @Test
  void whitespaceOrControlCharacters_areRejected() {
    assertThatThrownBy(() -> SecretGenerator.of("abc def", 64))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+0020");
    assertThatThrownBy(() -> SecretGenerator.of("abc\u0000", 64))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+0000");
  }

  @Test
  void singleCharacterAlphabet_isRejected() {
    assertThatThrownBy(() -> SecretGenerator.of("a", 512))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 distinct");
  }

  @Test
  void lengthOutOfRange_isRejected() {
    assertThatThrownBy(() -> SecretGenerator.alphanumeric(0)).hasMessageContaining("between 1 and 1024");
    assertThatThrownBy(() -> SecretGenerator.alphanumeric(1025)).hasMessageContaining("between 1 and 1024");
  }

  @Test
  void toString_describesWithoutSecrets() {
    assertThat(SecretGenerator.defaults().toString()).isEqualTo(
        "SecretGenerator[length=32, alphabetSize=62, entropyBits=191]");
  }
}

package dev.breakglass.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CustodianShareTest {
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final UUID VAULT = UUID.fromString("5b0c6e0e-4a5e-4b8e-9a57-0c1f3f1b2f61");

  private static CustodianShare share() {
    byte[] value = new byte[32];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) (i * 37 + 11);
    }
    return new CustodianShare(VAULT, "carol", 2, 2, 3, value);
  }

  /** The lines of the body (the groups), without the header. */
  private static String body(String text) {
    StringBuilder b = new StringBuilder();
    for (String line : text.split("\n")) {
      if (!line.contains(":") && !line.startsWith("BREAKGLASS")) {
        b.append(line).append('\n');
      }
    }
    return b.toString();
  }

  private static List<String> groups(String text) {
    List<String> out = new ArrayList<>();
    for (String g : body(text).split("\\s+")) {
      if (!g.isEmpty()) {
        out.add(g);
      }
    }
    return out;
  }

  @Test
  void thePaperFormRoundTripsEveryField() {
    try (CustodianShare original = share(); CustodianShare parsed = CustodianShare.parse(original.encode())) {
      assertThat(parsed.vaultId()).isEqualTo(VAULT);
      assertThat(parsed.custodian()).isEqualTo("carol");
      assertThat(parsed.index()).isEqualTo(2);
      assertThat(parsed.threshold()).isEqualTo(2);
      assertThat(parsed.shareCount()).isEqualTo(3);
      assertThat(parsed.value()).isEqualTo(original.value());
    }
  }

  @Test
  void thePaperFormHasAReadableHeaderAndGroupsOfFive() {
    String text = new String(share().encode());
    assertThat(text).startsWith("BREAKGLASS CUSTODIAN SHARE v1\nvault: " + VAULT + "\ncustodian: carol\nshare: 2 of 3 (any 2 open the vault)\n");
    List<String> groups = groups(text);
    assertThat(groups.subList(0, groups.size() - 1)).allMatch(g -> g.length() == 5 && g.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0));
  }

  @Test
  void theBodyAloneIsEnoughAndCaseSpacingDashesAndLookalikeDigitsDoNotMatter() {
    String text = new String(share().encode());
    String typed = String.join("-", groups(text)).toLowerCase().replace('o', '0').replace('i', '1').replace('b', '8');
    try (CustodianShare parsed = CustodianShare.parse(typed.toCharArray())) {
      assertThat(parsed.custodian()).isEqualTo("carol");
      assertThat(parsed.value()).isEqualTo(share().value());
    }
  }

  @Test
  void everySingleMistypedCharacterIsCaughtAndItsGroupNamed() {
    List<String> groups = groups(new String(share().encode()));
    int cases = 0;
    for (int g = 0; g < groups.size(); g++) {
      for (int i = 0; i < groups.get(g).length(); i++) {
        for (char replacement : ALPHABET.toCharArray()) {
          char[] chars = groups.get(g).toCharArray();
          if (chars[i] == replacement) {
            continue;
          }
          chars[i] = replacement;
          List<String> typed = new ArrayList<>(groups);
          typed.set(g, new String(chars));
          Throwable e = catchThrowable(() -> CustodianShare.parse(String.join(" ", typed).toCharArray()));
          assertThat(e).as("group %d char %d -> %s", g + 1, i + 1, replacement).isInstanceOf(ShareFormatException.class);
          assertThat(((ShareFormatException) e).group()).isEqualTo(g + 1);
          assertThat(e.getMessage()).contains("group " + (g + 1) + " of " + groups.size()).contains("typing error");
          cases++;
        }
      }
    }
    assertThat(cases).isGreaterThan(2000);
  }

  @Test
  void swappingTwoNeighbouringCharactersIsCaught() {
    List<String> groups = groups(new String(share().encode()));
    int cases = 0;
    for (int g = 0; g < groups.size(); g++) {
      char[] chars = groups.get(g).toCharArray();
      for (int i = 0; i + 1 < chars.length; i++) {
        if (chars[i] == chars[i + 1]) {
          continue;
        }
        char[] swapped = chars.clone();
        swapped[i] = chars[i + 1];
        swapped[i + 1] = chars[i];
        List<String> typed = new ArrayList<>(groups);
        typed.set(g, new String(swapped));
        Throwable e = catchThrowable(() -> CustodianShare.parse(String.join(" ", typed).toCharArray()));
        assertThat(e).isInstanceOf(ShareFormatException.class);
        assertThat(((ShareFormatException) e).group()).isEqualTo(g + 1);
        cases++;
      }
    }
    assertThat(cases).isPositive();
  }

  @Test
  void aMissingOrExtraCharacterNamesItsGroup() {
    List<String> groups = groups(new String(share().encode()));
    List<String> shortened = new ArrayList<>(groups);
    shortened.set(3, groups.get(3).substring(1));
    assertThatThrownBy(() -> CustodianShare.parse(String.join(" ", shortened).toCharArray()))
        .isInstanceOf(ShareFormatException.class).hasMessageContaining("group 4 of").hasMessageContaining("missing or extra");
  }

  @Test
  void aNonBase32CharacterIsLocatedWithoutBeingQuoted() {
    List<String> groups = groups(new String(share().encode()));
    List<String> typed = new ArrayList<>(groups);
    typed.set(1, "%" + groups.get(1).substring(1));
    assertThatThrownBy(() -> CustodianShare.parse(String.join(" ", typed).toCharArray()))
        .isInstanceOf(ShareFormatException.class).hasMessageContaining("group 2 of").hasMessageContaining("character 1")
        .hasMessageNotContaining("%");
  }

  @Test
  void aMissingOrReorderedGroupIsCaughtByTheWholeShareCheck() {
    List<String> groups = groups(new String(share().encode()));
    List<String> missing = new ArrayList<>(groups);
    missing.remove(groups.size() - 2);
    assertThatThrownBy(() -> CustodianShare.parse(String.join(" ", missing).toCharArray()))
        .isInstanceOf(ShareFormatException.class);
    List<String> reordered = new ArrayList<>(groups);
    reordered.set(2, groups.get(3));
    reordered.set(3, groups.get(2));
    assertThatThrownBy(() -> CustodianShare.parse(String.join(" ", reordered).toCharArray()))
        .isInstanceOf(ShareFormatException.class).hasMessageContaining("group 3");
  }

  @Test
  void aHeaderThatContradictsTheShareIsRejected() {
    String text = new String(share().encode()).replace("custodian: carol", "custodian: mallory");
    assertThatThrownBy(() -> CustodianShare.parse(text.toCharArray()))
        .isInstanceOf(ShareFormatException.class).hasMessageContaining("mallory").hasMessageContaining("carol");
  }

  @Test
  void textWithoutGroupsIsRejected() {
    assertThatThrownBy(() -> CustodianShare.parse("custodian: carol\n".toCharArray()))
        .isInstanceOf(ShareFormatException.class).hasMessageContaining("no groups");
  }

  @Test
  void errorMessagesNeverQuoteTheSharesGroups() {
    String text = new String(share().encode());
    List<String> groups = groups(text);
    List<String> typed = new ArrayList<>(groups);
    typed.set(5, groups.get(5).substring(0, 4) + (groups.get(5).charAt(4) == 'A' ? 'B' : 'A'));
    Throwable e = catchThrowable(() -> CustodianShare.parse(String.join(" ", typed).toCharArray()));
    assertThat(e).isInstanceOf(ShareFormatException.class);
    for (String g : groups) {
      if (g.length() == 5) {
        assertThat(CredentialTraces.of(e)).doesNotContain(g.substring(0, 4));
      }
    }
  }

  @Test
  void toStringShowsTheLabelsButNeverTheValue() {
    CustodianShare share = share();
    String text = new String(share.encode());
    assertThat(share.toString()).contains("carol").contains("redacted");
    for (String g : groups(text)) {
      assertThat(share.toString()).doesNotContain(g);
    }
  }

  @Test
  void closeWipesTheValue() {
    CustodianShare share = share();
    byte[] value = share.value();
    share.close();
    assertThat(share.isWiped()).isTrue();
    assertThat(value).containsOnly((byte) 0);
    assertThatThrownBy(share::encode).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void custodianNamesAreValidated() {
    assertThatThrownBy(() -> new CustodianShare(VAULT, " ", 1, 2, 3, new byte[32])).hasMessageContaining("non-blank");
    assertThatThrownBy(() -> new CustodianShare(VAULT, "x".repeat(65), 1, 2, 3, new byte[32])).hasMessageContaining("64");
    assertThatThrownBy(() -> new CustodianShare(VAULT, "a\nb", 1, 2, 3, new byte[32])).hasMessageContaining("control");
  }
}

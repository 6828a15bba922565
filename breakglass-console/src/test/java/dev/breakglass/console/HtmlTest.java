package dev.breakglass.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every value on a console page is HTML-escaped and inert: hidden characters are shown, never obeyed. */
class HtmlTest {
  @Test
  void markupIsEscaped() {
    assertThat(Html.e("<b a=\"x\" b='y'>&</b>")).isEqualTo("&lt;b a=&quot;x&quot; b=&#39;y&#39;&gt;&amp;&lt;/b&gt;");
  }

  @Test
  void everyHiddenCharacterIsShownAsAnEscape() {
    // C1 (NEL), line separator, zero-width space, bidi isolate and override, a line feed
    assertThat(Html.e("a\u0085b\u2028c\u200Bd\u2066e\u202Ef\ng"))
        .isEqualTo("a\\u0085b\\u2028c\\u200Bd\\u2066e\\u202Ef\\u000Ag");
  }

  @Test
  void ordinaryTextIsKept() {
    assertThat(Html.e("Zoë approved INC-7 日本")).isEqualTo("Zoë approved INC-7 日本");
  }
}

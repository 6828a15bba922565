package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.FreeText;
import dev.breakglass.Identity;
import dev.breakglass.InvalidRequestException;
import dev.breakglass.core.text.SafeText;
import java.time.Duration;

/**
 * Fuzz targets for the free-text and identity rules. In a normal build Jazzer runs the stored inputs
 * (if any) as regression tests; with {@code JAZZER_FUZZ=1} it fuzzes. The rule: whatever the text,
 * an accepted field and every escaped form hold no character {@link FreeText#isForbidden} names, and
 * a refusal is an {@link InvalidRequestException} naming the field without a line break in its
 * message.
 */
class FreeTextFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void requestFields(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    accepted("reason", () -> AccessRequest.builder().requester("alice").account("db").reason(text)
        .duration(Duration.ofMinutes(5)).build().reason());
    accepted("ticket", () -> AccessRequest.builder().requester("alice").account("db").reason("r").ticket(text)
        .duration(Duration.ofMinutes(5)).build().ticket());
    accepted("comment", () -> Approval.of("bg-1", "carol", "ab12", text).comment());
    accepted("requester", () -> AccessRequest.builder().requester(text).account("db").reason("r")
        .duration(Duration.ofMinutes(5)).build().requester());
    assertClean(FreeText.inert(text));
    assertClean(FreeText.inert(text, 64));
    assertClean(SafeText.printable(text, 64));
    if (Identity.problem(text) == null) {
      assertClean(text);
      assertThat(Identity.same(text, text)).isTrue();
    }
  }

  private interface Field {
    String value();
  }

  private static void accepted(String field, Field build) {
    String value;
    try {
      value = build.value();
    } catch (InvalidRequestException e) {
      assertThat(e.field()).isEqualTo(field);
      assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r");
      return;
    }
    if (value != null) {
      assertClean(value);
    }
  }

  private static void assertClean(String s) {
    s.codePoints().forEach(cp -> assertThat(FreeText.isForbidden(cp))
        .as("U+%04X in %s", cp, FreeText.inert(s)).isFalse());
  }
}

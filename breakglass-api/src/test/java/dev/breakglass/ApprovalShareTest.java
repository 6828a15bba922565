package dev.breakglass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ApprovalShareTest {
  private static final String SHARE = "AEAQC 6XWJV DNQGL";

  @Test
  void anApprovalCarriesNoShareByDefault() {
    Approval a = Approval.of("g-1", "carol", "digest", null);
    assertThat(a.hasShare()).isFalse();
    assertThatThrownBy(a::share).isInstanceOf(IllegalStateException.class).hasMessageContaining("carries no share");
    a.wipeShare();
  }

  @Test
  void withShareCopiesTheShareSoTheCallerCanWipeItsOwn() {
    char[] typed = SHARE.toCharArray();
    Approval a = Approval.of("g-1", "carol", "digest", "ok").withShare(typed);
    Arrays.fill(typed, '\0');
    assertThat(a.hasShare()).isTrue();
    assertThat(new String(a.share())).isEqualTo(SHARE);
    assertThat(a.custodian()).isEqualTo("carol");
    assertThat(a.grantId()).isEqualTo("g-1");
    assertThat(a.requestDigest()).isEqualTo("digest");
    assertThat(a.comment()).isEqualTo("ok");
  }

  @Test
  void wipeShareZeroesItAndLaterAccessFails() {
    Approval a = Approval.of("g-1", "carol", "digest", null).withShare(SHARE.toCharArray());
    char[] held = a.share();
    a.wipeShare();
    assertThat(held).containsOnly('\0');
    assertThat(a.hasShare()).isFalse();
    assertThatThrownBy(a::share).isInstanceOf(IllegalStateException.class).hasMessageContaining("wiped");
    a.wipeShare();
  }

  @Test
  void toStringNeverShowsTheShare() {
    Approval a = Approval.of("g-1", "carol", "digest", null).withShare(SHARE.toCharArray());
    assertThat(a.toString()).doesNotContain("AEAQC").contains("share=<redacted>");
  }

  @Test
  void anEmptyShareIsRejected() {
    Approval a = Approval.of("g-1", "carol", "digest", null);
    assertThatThrownBy(() -> a.withShare(new char[0])).isInstanceOf(IllegalArgumentException.class);
  }
}

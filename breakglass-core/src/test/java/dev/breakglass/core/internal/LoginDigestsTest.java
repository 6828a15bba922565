package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginDigestsTest {
  @Test
  void releasedCredentialMatchesAndAnyOtherDoesNot() {
    LoginDigests digests = new LoginDigests();
    digests.remember("g1", "s3cret".toCharArray());
    assertThat(digests.matches("g1", "s3cret".toCharArray())).isTrue();
    assertThat(digests.matches("g1", "s3cret!".toCharArray())).isFalse();
  }

  @Test
  void grantThisInstanceReleasedNothingForHasNoAnswer() {
    LoginDigests digests = new LoginDigests();
    assertThat(digests.matches("g1", "s3cret".toCharArray())).isNull();
  }

  @Test
  void forgottenGrantHasNoAnswerAnyMore() {
    LoginDigests digests = new LoginDigests();
    digests.remember("g1", "a".toCharArray());
    digests.remember("g2", "b".toCharArray());
    digests.forget("g1");
    assertThat(digests.matches("g1", "a".toCharArray())).isNull();
    assertThat(digests.matches("g2", "b".toCharArray())).isTrue();
    digests.forgetAll();
    assertThat(digests.matches("g2", "b".toCharArray())).isNull();
  }
}

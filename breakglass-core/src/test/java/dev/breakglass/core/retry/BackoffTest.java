package dev.breakglass.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  /** Always returns the same value from nextDouble(), so that jitter is predictable. */
  private static RandomGenerator fixed(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  private static Backoff.Builder noJitter() {
    return Backoff.builder().initialDelay(Duration.ofSeconds(1)).multiplier(2).maxDelay(Duration.ofMinutes(1))
        .jitter(0);
  }

  @Test
  void withoutJitter_delaysGrowExponentially() {
    Backoff backoff = noJitter().build();

    assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.delayAfter(6)).isEqualTo(Duration.ofSeconds(32));
  }

  @Test
  void delays_neverExceedTheCap_evenForHugeFailureCounts() {
    Backoff backoff = noJitter().build();

    assertThat(backoff.delayAfter(7)).isEqualTo(Duration.ofMinutes(1));
    assertThat(backoff.delayAfter(10_000)).isEqualTo(Duration.ofMinutes(1));
    assertThat(backoff.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void jitter_shortensTheDelayByUpToItsFraction() {
    Backoff.Builder builder = noJitter().jitter(0.5);

    assertThat(builder.random(fixed(0.0)).build().delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(builder.random(fixed(0.5)).build().delayAfter(3)).isEqualTo(Duration.ofSeconds(3));
    assertThat(builder.random(fixed(0.999_999)).build().delayAfter(3)).isGreaterThan(Duration.ofSeconds(2))
        .isLessThan(Duration.ofMillis(2001));
  }

  @Test
  void jitter_atTheCap_staysAtOrBelowTheCap() {
    Backoff backoff = noJitter().jitter(1.0).random(fixed(0.25)).build();

    assertThat(backoff.delayAfter(100)).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void defaultRandom_staysWithinTheJitterBand() {
    Backoff backoff = noJitter().jitter(0.2).build();

    for (int i = 0; i < 1000; i++) {
      assertThat(backoff.delayAfter(4)).isGreaterThan(Duration.ofMillis(6400)).isLessThanOrEqualTo(Duration.ofSeconds(8));
    }
  }

  @Test
  void maxAttempts_limitsRetries_andZeroMeansUnlimited() {
    Backoff limited = noJitter().maxAttempts(3).build();
    Backoff unlimited = noJitter().build();

    assertThat(limited.allowsRetryAfter(1)).isTrue();
    assertThat(limited.allowsRetryAfter(2)).isTrue();
    assertThat(limited.allowsRetryAfter(3)).isFalse();
    assertThat(unlimited.allowsRetryAfter(1_000_000)).isTrue();
  }

  @Test
  void defaults_suitRotationRetries() {
    Backoff backoff = Backoff.ofDefaults();

    assertThat(backoff.initialDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff.multiplier()).isEqualTo(2.0);
    assertThat(backoff.maxDelay()).isEqualTo(Duration.ofHours(1));
    assertThat(backoff.jitter()).isEqualTo(0.2);
    assertThat(backoff.maxAttempts()).isZero();
  }

  @Test
  void delayAfter_zeroFailures_isRejected() {
    assertThatThrownBy(() -> Backoff.ofDefaults().delayAfter(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1, was 0");
  }

  @Test
  void invalidSettings_areRejectedNamingTheValue() {
    assertThatThrownBy(() -> Backoff.builder().initialDelay(Duration.ZERO)).hasMessageContaining("initialDelay");
    assertThatThrownBy(() -> Backoff.builder().maxDelay(Duration.ofSeconds(-1))).hasMessageContaining("maxDelay");
    assertThatThrownBy(() -> Backoff.builder().multiplier(0.5)).hasMessageContaining("was 0.5");
    assertThatThrownBy(() -> Backoff.builder().multiplier(Double.NaN)).hasMessageContaining("was NaN");
    assertThatThrownBy(() -> Backoff.builder().jitter(1.5)).hasMessageContaining("was 1.5");
    assertThatThrownBy(() -> Backoff.builder().maxAttempts(-1)).hasMessageContaining("was -1");
    assertThatThrownBy(() -> Backoff.builder().initialDelay(Duration.ofMinutes(5)).maxDelay(Duration.ofMinutes(1)).build())
        .hasMessageContaining("must not be below initialDelay");
  }

  @Test
  void boundarySettings_areAccepted() {
    assertThat(Backoff.builder().multiplier(1.0).build().multiplier()).isEqualTo(1.0);
    assertThat(Backoff.builder().multiplier(100.0).build().multiplier()).isEqualTo(100.0);
    assertThat(Backoff.builder().maxAttempts(0).build().allowsRetryAfter(Integer.MAX_VALUE)).isTrue();
  }

  @Test
  void capEqualToInitialDelay_givesConstantDelays() {
    Backoff constant = noJitter().maxDelay(Duration.ofSeconds(1)).build();

    assertThat(constant.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(constant.delayAfter(5)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void maxAttempts_isReportedAsConfigured() {
    assertThat(noJitter().maxAttempts(7).build().maxAttempts()).isEqualTo(7);
  }

  @Test
  void toString_showsEverySetting_andUnlimitedForZeroAttempts() {
    assertThat(noJitter().jitter(0.25).build().toString())
        .isEqualTo("Backoff[initial=PT1S, multiplier=2.0, max=PT1M, jitter=0.25, maxAttempts=unlimited]");
    assertThat(noJitter().maxAttempts(4).build().toString()).endsWith("maxAttempts=4]");
  }
}

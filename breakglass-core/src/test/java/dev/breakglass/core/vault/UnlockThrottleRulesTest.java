package dev.breakglass.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ReasonCode;
import dev.breakglass.VaultException;
import dev.breakglass.tck.fixtures.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link UnlockThrottle}'s messages and its behaviour when the clock moves, without running Argon2. */
class UnlockThrottleRulesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Path FILE = Path.of("vault.json");

  private final MutableClock clock = new MutableClock(T0);
  private final UnlockThrottle throttle = new UnlockThrottle(clock);

  private void wrong() {
    throttle.attempt(FILE, () -> {
      throw new UnlockThrottle.WrongPassphrase();
    });
  }

  private void failOnce() {
    assertThatThrownBy(this::wrong).isInstanceOf(VaultException.class).hasMessageStartingWith("wrong passphrase");
  }

  private String right() {
    return throttle.attempt(FILE, () -> "unlocked");
  }

  @Test
  void theFirstWrongPassphrase_announcesNoWait_theSecondAnnouncesOneSecond() {
    assertThatThrownBy(this::wrong).hasMessageEndingWith("(or its key header was altered)");
    assertThatThrownBy(this::wrong).hasMessageEndingWith("(or its key header was altered); next attempt allowed in 1s");
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(this::wrong).hasMessageEndingWith("; next attempt allowed in 2s");
  }

  @Test
  void theWaitInTheRefusal_isRoundedUpToWholeSeconds() {
    failOnce();
    failOnce();
    clock.advance(Duration.ofSeconds(1));
    failOnce();
    clock.advance(Duration.ofMillis(500));

    assertThatThrownBy(this::right)
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("is locked after 3 wrong passphrases in a row; retry in 2s")
        .extracting(e -> ((VaultException) e).code()).isEqualTo(ReasonCode.RATE_LIMITED);
  }

  @Test
  void afterASuccess_aClockSetBackDoesNotLockTheFile() {
    failOnce();
    assertThat(right()).isEqualTo("unlocked");
    assertThat(throttle.failures(FILE)).isZero();

    clock.set(T0.minus(Duration.ofHours(1)));

    assertThat(right()).isEqualTo("unlocked");
  }
}

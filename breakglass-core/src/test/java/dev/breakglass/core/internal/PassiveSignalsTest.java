package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEventType;
import dev.breakglass.AuthenticatedPrincipal;
import dev.breakglass.Authenticator;
import dev.breakglass.LoginAttempt;
import dev.breakglass.ProviderException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detection in seconds without flapping: passive signals from the guard and the round run at build. */
class PassiveSignalsTest {
  @TempDir Path dir;
  EngineFixture f;
  final AtomicBoolean primaryDown = new AtomicBoolean();

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.close();
    }
  }

  private Authenticator guard() {
    return f.engine.guard(attempt -> {
      if (primaryDown.get()) {
        throw new UncheckedIOException(new ConnectException("Connection refused"));
      }
      return AuthenticatedPrincipal.of(attempt.username());
    });
  }

  private void login(Authenticator guard) {
    try {
      guard.authenticate(LoginAttempt.of("jane", "pw".toCharArray()));
    } catch (UncheckedIOException expected) {
      // the primary's failure reaches the caller unchanged
    }
  }

  @Test
  void threeConsecutiveInfrastructureFailuresOpenTheEmergencyWithoutAProbeRound() {
    f = new EngineFixture(dir);
    Authenticator guard = guard();
    primaryDown.set(true);
    login(guard);
    f.clock.advance(Duration.ofMillis(200));
    login(guard);
    assertThat(f.engine.emergencyState().isEmergency()).isFalse();
    f.clock.advance(Duration.ofMillis(200));
    login(guard);
    assertThat(f.engine.emergencyState().isEmergency()).isTrue();
    assertThat(f.engine.emergencyState().primaryHealthy()).isFalse();
    assertThat(f.eventTypes()).containsSubsequence(AuditEventType.PROBE_FAILED, AuditEventType.EMERGENCY_OPENED);
  }

  @Test
  void aFlakyPrimaryFailingOneCallInThreeNeverOpensTheEmergency() {
    f = new EngineFixture(dir);
    Authenticator guard = guard();
    for (int i = 0; i < 300; i++) {
      primaryDown.set(i % 3 == 0);
      login(guard);
      f.clock.advance(Duration.ofMillis(50));
      assertThat(f.engine.emergencyState().isEmergency()).as("after call %d", i).isFalse();
    }
    assertThat(f.count(AuditEventType.EMERGENCY_OPENED)).isZero();
  }

  @Test
  void twoFailuresInThreeStillNeverOpenIt() {
    f = new EngineFixture(dir);
    Authenticator guard = guard();
    for (int i = 0; i < 300; i++) {
      primaryDown.set(i % 3 != 0);
      login(guard);
      f.clock.advance(Duration.ofMillis(50));
    }
    assertThat(f.engine.emergencyState().isEmergency()).isFalse();
  }

  @Test
  void failuresSpreadWiderThanTheWindowDoNotOpenIt() {
    f = new EngineFixture(dir);
    Authenticator guard = guard();
    primaryDown.set(true);
    for (int i = 0; i < 6; i++) {
      login(guard);
      f.clock.advance(Duration.ofSeconds(6));
    }
    assertThat(f.engine.emergencyState().isEmergency()).as("6 s apart, never 3 within 10 s").isFalse();
  }

  @Test
  void aPassivelyOpenedEmergencyClosesOnlyAfterRiseGoodProbeRounds() {
    f = new EngineFixture(dir);
    Authenticator guard = guard();
    primaryDown.set(true);
    login(guard);
    login(guard);
    login(guard);
    assertThat(f.engine.emergencyState().isEmergency()).isTrue();
    primaryDown.set(false);
    login(guard);
    f.engine.checkHealthNow();
    assertThat(f.engine.emergencyState().isEmergency()).as("one good round is not enough").isTrue();
    f.engine.checkHealthNow();
    assertThat(f.engine.emergencyState().isEmergency()).isFalse();
  }

  @Test
  void anUnhealthyPrimaryAtBuildOpensTheEmergencyBeforeBuildReturns() {
    f = new EngineFixture(dir, EngineFixture.defaultPolicy(), (fx, b) -> fx.probe.healthy(false));
    assertThat(f.engine.emergencyState().isEmergency()).isTrue();
    assertThat(f.engine.emergencyState().primaryHealthy()).isFalse();
    f.engine.requestAccess(f.dbRequest("alice").build());
  }

  @Test
  void aHealthyPrimaryAtBuildRecordsNothing() {
    f = new EngineFixture(dir);
    assertThat(f.engine.emergencyState().isEmergency()).isFalse();
    assertThat(f.events()).isEmpty();
  }

  @Test
  void healthSettingsAreReadFromPropertiesWithTheirFullKeys() {
    assertThatThrownBy(() -> new EngineFixture(dir, EngineFixture.defaultPolicy(),
        (fx, b) -> b.property("health.fall", "0")))
        .isInstanceOf(ProviderException.class).hasMessageContaining("'health.fall'");
    assertThatThrownBy(() -> new EngineFixture(dir.resolve("b"), EngineFixture.defaultPolicy(),
        (fx, b) -> b.property("health.interval", "0s")))
        .isInstanceOf(ProviderException.class).hasMessageContaining("'health.interval'");
    f = new EngineFixture(dir.resolve("c"), EngineFixture.defaultPolicy(),
        (fx, b) -> b.property("health.passive-fall", "1"));
    primaryDown.set(true);
    login(guard());
    assertThat(f.engine.emergencyState().isEmergency()).as("health.passive-fall=1").isTrue();
  }
}

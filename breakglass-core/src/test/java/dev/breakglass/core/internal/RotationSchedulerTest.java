package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.Fingerprinter;
import dev.breakglass.core.retry.Backoff;
import dev.breakglass.tck.fixtures.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RotationSchedulerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
  private final List<AuditEvent> audited = new CopyOnWriteArrayList<>();
  private final Recorder recorder = new Recorder(audited::add, alert -> CompletableFuture.completedFuture(null), clock,
      new AuditDetails.Protection(new Fingerprinter(new byte[32]), Set.of()));
  private final AccountLedger ledger = new AccountLedger(new InMemoryGrantStore());
  private final MapVault vault = new MapVault();
  private final ScriptedRotator rotator = new ScriptedRotator();
  private final RotationScheduler scheduler = new RotationScheduler(ledger, vault, List.of(rotator), recorder, clock,
      Backoff.builder().initialDelay(Duration.ofSeconds(10)).multiplier(2).maxDelay(Duration.ofMinutes(5)).jitter(0)
          .build(), null);

  private void taint(String account) {
    vault.write(account, "old".toCharArray());
    ledger.reserve(account, "g1");
    ledger.releaseAndTaint(account, "g1");
  }

  private List<AuditEventType> types() {
    return audited.stream().map(AuditEvent::type).toList();
  }

  @Test
  void successfulRotationIsAuditedBeforeAndAfterAndClearsTheTaint() {
    taint("db");
    scheduler.rotate("db");
    assertThat(types()).containsExactly(AuditEventType.ROTATION_STARTED, AuditEventType.CREDENTIAL_ROTATED);
    assertThat(ledger.state("db").tainted()).isFalse();
    assertThat(rotator.rotations()).isEqualTo(1);
  }

  @Test
  void failedRotationKeepsTheTaintAndTheSweepWaitsForTheBackoff() {
    taint("db");
    rotator.failNext(1);
    scheduler.rotate("db");
    AuditEvent failed = audited.get(audited.size() - 1);
    assertThat(failed.type()).isEqualTo(AuditEventType.ROTATION_FAILED);
    assertThat(failed.details()).containsEntry("attempt", "1")
        .containsEntry("nextAttempt", "2026-11-28T10:00:10Z");
    assertThat(ledger.state("db").tainted()).isTrue();

    clock.advance(Duration.ofSeconds(9));
    scheduler.rotateDue(List.of("db"));
    assertThat(rotator.rotations()).isZero();
    clock.advance(Duration.ofSeconds(1));
    scheduler.rotateDue(List.of("db"));
    assertThat(rotator.rotations()).isEqualTo(1);
    assertThat(ledger.state("db").tainted()).isFalse();
  }

  @Test
  void secondFailureWaitsTwiceAsLong() {
    taint("db");
    rotator.failNext(2);
    scheduler.rotate("db");
    clock.advance(Duration.ofSeconds(10));
    scheduler.rotateDue(List.of("db"));
    assertThat(audited.get(audited.size() - 1).details()).containsEntry("attempt", "2")
        .containsEntry("nextAttempt", "2026-11-28T10:00:30Z");
  }

  @Test
  void accountNoRotatorSupportsFailsLoudlyAndStaysTainted() {
    RotationScheduler none = new RotationScheduler(ledger, vault, List.of(), recorder, clock, Backoff.ofDefaults(), null);
    taint("db");
    none.rotate("db");
    assertThat(types()).containsExactly(AuditEventType.ROTATION_FAILED);
    assertThat(audited.get(0).details().get("error")).contains("no configured rotator");
    assertThat(ledger.state("db").tainted()).isTrue();
  }

  @Test
  void cleanOrHeldAccountsAreNotRotatedBySweep() {
    ledger.reserve("held", "g2");
    scheduler.rotateDue(List.of("clean", "held"));
    assertThat(audited).isEmpty();
    assertThat(rotator.rotations()).isZero();
  }
}

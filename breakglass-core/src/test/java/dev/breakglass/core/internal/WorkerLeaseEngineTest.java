package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccessRequest;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.WorkerLease;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster-wide part of a sweep (ending expired grants, rotation retries, overdue drills) runs
 * only while the engine holds its worker lease; the local part (following the stored incident) always.
 */
class WorkerLeaseEngineTest {
  @TempDir Path dir;

  /** A lease the test hands out and takes back. */
  static final class SwitchLease implements WorkerLease {
    volatile boolean held;
    volatile boolean failing;
    int asked;

    @Override
    public boolean tryHold() {
      asked++;
      if (failing) {
        throw new IllegalStateException("lease service down");
      }
      return held;
    }

    @Override
    public long token() {
      return held ? 7 : 0;
    }
  }

  @Test
  void withoutTheLeaseASweepLeavesExpiryAndRotationToTheHolderButTheGrantIsUnusableAnyway() {
    SwitchLease lease = new SwitchLease();
    try (EngineFixture f = new EngineFixture(dir, EngineFixture.defaultPolicy(), (fx, b) -> b.workerLease(lease))) {
      f.openEmergency();
      EmergencyAccessGrant g = f.engine.requestAccess(AccessRequest.builder().requester("alice")
          .account(EngineFixture.APP).reason("outage").duration(Duration.ofMinutes(10)).build());
      assertThat(g.status()).isEqualTo(GrantStatus.ACTIVE);
      f.clock.advance(Duration.ofMinutes(11));
      f.engine.sweep();
      assertThat(lease.asked).isPositive();
      GrantRecord stored = f.engine.current(g.id());
      assertThat(stored.status()).as("not ended by an instance without the lease").isEqualTo(GrantStatus.ACTIVE);
      assertThat(g.status()).as("past its expiry the grant is unusable everywhere").isEqualTo(GrantStatus.EXPIRED);
      assertThat(f.rotator.rotations()).isZero();

      lease.held = true;
      f.engine.sweep();
      assertThat(f.engine.current(g.id()).status()).isEqualTo(GrantStatus.EXPIRED);
    }
  }

  @Test
  void aLeaseThatCannotBeReachedCountsAsNotHeld() {
    SwitchLease lease = new SwitchLease();
    lease.failing = true;
    try (EngineFixture f = new EngineFixture(dir, EngineFixture.defaultPolicy(), (fx, b) -> b.workerLease(lease))) {
      f.openEmergency();
      EmergencyAccessGrant g = f.engine.requestAccess(AccessRequest.builder().requester("alice")
          .account(EngineFixture.APP).reason("outage").duration(Duration.ofMinutes(10)).build());
      f.clock.advance(Duration.ofMinutes(11));
      f.engine.sweep();
      assertThat(f.engine.current(g.id()).status()).isEqualTo(GrantStatus.ACTIVE);
      lease.failing = false;
      lease.held = true;
      f.engine.sweep();
      assertThat(f.engine.current(g.id()).status()).isEqualTo(GrantStatus.EXPIRED);
    }
  }
}

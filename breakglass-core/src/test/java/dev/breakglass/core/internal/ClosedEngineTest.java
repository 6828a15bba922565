package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AccessRequest;
import dev.breakglass.Approval;
import dev.breakglass.BreakGlassException;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.LoginAttempt;
import dev.breakglass.ReasonCode;
import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.ProbeResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After {@code close()} the engine refuses every operation and changes nothing; close itself unwinds in order. */
class ClosedEngineTest {
  @TempDir Path dir;

  /** A probe that records when it is closed. */
  static final class ClosingProbe implements HealthProbe {
    final String name;
    final List<String> closed;

    ClosingProbe(String name, List<String> closed) {
      this.name = name;
      this.closed = closed;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public ProbeResult check() {
      return ProbeResult.healthy("ok", Duration.ZERO);
    }

    @Override
    public void close() {
      closed.add(name);
    }
  }

  @Test
  void everyOperation_isRefusedAsClosed_andLeavesNoRecord() {
    try (EngineFixture f = new EngineFixture(dir)) {
      EmergencyAccessGrant grant = f.activeDbGrant();
      EmergencyAccessGrant pending = f.engine.requestAccess(AccessRequest.builder().requester("bob")
          .account(EngineFixture.BACKUP).reason("replica check").duration(Duration.ofMinutes(10)).build());
      int records = f.events().size();

      f.engine.close();

      List<ThrowingCallable> operations = List.of(
          () -> f.engine.requestAccess(f.dbRequest("bob").build()),
          () -> f.engine.approve(Approval.of(pending, "carol")),
          () -> f.engine.deny(pending.id(), "dave", "no"),
          () -> f.engine.revoke(grant.id(), "carol", "done"),
          () -> f.engine.close(grant.id(), "alice"),
          () -> f.engine.release(grant.id()),
          () -> f.engine.sweep(),
          () -> f.engine.checkCredentials(),
          () -> f.engine.drill(EngineFixture.APP, "sre-lead"),
          () -> f.engine.checkHealthNow(),
          () -> f.engine.declareIncident("sre-lead", "outage"),
          () -> f.engine.closeIncident("sre-lead", "over"),
          () -> f.engine.emergencyLogin(LoginAttempt.of(EngineFixture.DB, EngineFixture.CANARY.toCharArray()), null));
      for (ThrowingCallable operation : operations) {
        assertThatThrownBy(operation)
            .isInstanceOf(BreakGlassException.class)
            .hasMessage("this BreakGlass instance has been closed")
            .extracting(e -> ((BreakGlassException) e).code()).isEqualTo(ReasonCode.CLOSED);
      }
      assertThat(f.events()).hasSize(records);
    }
  }

  @Test
  void close_closesWhatTheEngineOwns_newestFirst() {
    List<String> closed = new CopyOnWriteArrayList<>();
    try (EngineFixture f = new EngineFixture(dir, EngineFixture.defaultPolicy(), (fixture, b) -> b
        .healthProbe(new ClosingProbe("first", closed)).healthProbe(new ClosingProbe("second", closed)))) {
      f.engine.close();

      assertThat(closed).containsExactly("second", "first");
      f.engine.close();
      assertThat(closed).as("a second close does nothing").hasSize(2);
    }
  }
}

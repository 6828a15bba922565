package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlassException;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.GrantStatus;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.EngineRecord;
import dev.breakglass.spi.GrantRecord;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.IncidentState;
import dev.breakglass.spi.ThrottleState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release that loses the compare-and-set to another node sharing the store: the log records the
 * attempt and the lost race, never a release that did not happen here.
 */
class ReleaseLostRaceTest {
  @TempDir Path dir;

  /** A real store shared with "another node" that releases the same grant just before our write lands. */
  static final class RacingStore implements GrantStore {
    final InMemoryGrantStore shared = new InMemoryGrantStore();
    volatile boolean otherNodeWins = true;

    @Override public void insert(GrantRecord grant) { shared.insert(grant); }
    @Override public Optional<GrantRecord> find(String grantId) { return shared.find(grantId); }
    @Override public List<GrantRecord> findByStatus(Set<GrantStatus> statuses) { return shared.findByStatus(statuses); }
    @Override public AccountState account(String account) { return shared.account(account); }
    @Override public boolean replaceAccount(AccountState expected, AccountState updated) {
      return shared.replaceAccount(expected, updated);
    }
    @Override public IncidentState incident() { return shared.incident(); }
    @Override public boolean replaceIncident(IncidentState expected, IncidentState updated) {
      return shared.replaceIncident(expected, updated);
    }
    @Override public ThrottleState throttle(String key) { return shared.throttle(key); }
    @Override public boolean replaceThrottle(ThrottleState expected, ThrottleState updated) {
      return shared.replaceThrottle(expected, updated);
    }
    @Override public int purgeThrottles(Instant now) { return shared.purgeThrottles(now); }
    @Override public EngineRecord engine(String nodeId) { return shared.engine(nodeId); }
    @Override public boolean replaceEngine(EngineRecord expected, EngineRecord updated) {
      return shared.replaceEngine(expected, updated);
    }

    @Override
    public boolean replace(GrantRecord expected, GrantRecord updated) {
      if (otherNodeWins && updated.credentialReleased() && !expected.credentialReleased()) {
        otherNodeWins = false;
        assertThat(shared.replace(expected, expected.withCredentialReleased(true))).isTrue();
      }
      return shared.replace(expected, updated);
    }
  }

  @Test
  void aLostCompareAndSetIsRecordedAsALostRaceNotAsARelease() {
    RacingStore store = new RacingStore();
    try (EngineFixture f = new EngineFixture(dir, EngineFixture.defaultPolicy(), (fx, b) -> b.grantStore(store))) {
      EmergencyAccessGrant grant = f.activeDbGrant();
      assertThatThrownBy(grant::releaseCredential).isInstanceOf(BreakGlassException.class);
      assertThat(f.count(AuditEventType.CREDENTIAL_RELEASED)).as("no release happened here").isZero();
      assertThat(f.count(AuditEventType.CREDENTIAL_RELEASE_ATTEMPT)).isEqualTo(1);
      List<AuditEvent> lost = f.events().stream()
          .filter(e -> e.type() == AuditEventType.CREDENTIAL_RELEASE_LOST_RACE).toList();
      assertThat(lost).hasSize(1);
      assertThat(lost.get(0).grantId()).isEqualTo(grant.id());
      assertThat(f.eventTypes()).containsSubsequence(AuditEventType.CREDENTIAL_RELEASE_ATTEMPT,
          AuditEventType.CREDENTIAL_RELEASE_LOST_RACE);
    }
  }

  @Test
  void aWonCompareAndSetRecordsTheAttemptThenTheRelease() {
    try (EngineFixture f = new EngineFixture(dir)) {
      EmergencyAccessGrant grant = f.activeDbGrant();
      grant.releaseCredential().close();
      assertThat(f.eventTypes()).containsSubsequence(AuditEventType.CREDENTIAL_RELEASE_ATTEMPT,
          AuditEventType.CREDENTIAL_RELEASED);
      assertThat(f.count(AuditEventType.CREDENTIAL_RELEASED)).isEqualTo(1);
      assertThat(f.count(AuditEventType.CREDENTIAL_RELEASE_LOST_RACE)).isZero();
    }
  }
}

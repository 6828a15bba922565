package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlassException;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.spi.AccountState;
import dev.breakglass.spi.GrantRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release that loses the compare-and-set to another node sharing the store: the log records the
 * attempt and the lost race, never a release that did not happen here.
 */
class ReleaseLostRaceTest {
  @TempDir Path dir;

  /** A real store shared with "another node" that releases the same grant just before our write lands. */
  static final class RacingStore extends ForwardingGrantStore {
    volatile boolean otherNodeWins = true;

    @Override
    public boolean replace(GrantRecord expected, GrantRecord updated) {
      if (otherNodeWins && updated.credentialReleased() && !expected.credentialReleased()) {
        otherNodeWins = false;
        assertThat(delegate.replace(expected, expected.withCredentialReleased(true))).isTrue();
      }
      return delegate.replace(expected, updated);
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

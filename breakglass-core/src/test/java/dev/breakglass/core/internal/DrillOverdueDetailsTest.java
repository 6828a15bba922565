package dev.breakglass.core.internal;

import static dev.breakglass.core.internal.EngineFixture.DB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.DrillResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which accounts are overdue for a drill, and what the overdue record says about the last one. */
class DrillOverdueDetailsTest {
  @TempDir Path dir;

  private static List<AuditEvent> overdue(EngineFixture f) {
    return f.events().stream().filter(e -> e.type() == AuditEventType.DRILL_OVERDUE).collect(Collectors.toList());
  }

  @Test
  void checkDrillsNow_namesTheOverdueAccounts_andTheRecordSaysWhenTheLastDrillPassed() throws Exception {
    try (EngineFixture f = new EngineFixture(dir, DrillTest.drilledPolicy(Duration.ofDays(90)))) {
      Instant started = f.clock.instant();
      assertThat(f.engine.checkDrillsNow()).isEmpty();

      f.clock.advance(Duration.ofDays(91));
      assertThat(f.engine.checkDrillsNow()).containsExactly(DB);
      assertThat(overdue(f)).singleElement().satisfies(e -> assertThat(e.details())
          .containsEntry("lastDrill", "none since " + started).containsEntry("drillEvery", "PT2160H"));
      assertThat(f.alerts.await(AuditEventType.DRILL_OVERDUE).summary())
          .isEqualTo("[DRILL] " + DB + " is overdue for a drill: none passed since " + started + ", interval PT2160H");

      DrillResult drill = f.engine.completeDrill(DrillTest.approvedDrill(f).id(), "alice");
      assertThat(drill.succeeded()).isTrue();
      assertThat(f.engine.checkDrillsNow()).isEmpty();

      f.clock.advance(Duration.ofDays(91));
      assertThat(f.engine.checkDrillsNow()).containsExactly(DB);
      assertThat(overdue(f)).hasSize(2).last().satisfies(e -> assertThat(e.details())
          .containsEntry("lastDrill", drill.finishedAt().toString()));
      assertThat(f.alerts.await(AuditEventType.DRILL_OVERDUE, 2)).hasSize(2).last()
          .satisfies(a -> assertThat(a.summary()).isEqualTo("[DRILL] " + DB + " is overdue for a drill: last passed "
              + drill.finishedAt() + ", interval PT2160H"));
    }
  }
}

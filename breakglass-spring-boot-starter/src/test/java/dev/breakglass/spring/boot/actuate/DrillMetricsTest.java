package dev.breakglass.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.AccountPolicy;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.DrillResult;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.EngineMetrics;
import dev.breakglass.core.rotation.SecretGenerator;
import dev.breakglass.core.rotation.VaultOnlyRotator;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A drill on a real engine is counted as a drill, never as access. */
class DrillMetricsTest {
  @TempDir Path dir;

  @Test
  void aDrillIsCountedAsADrillAndNeverAsARequestGrantOrRelease() {
    MeterRegistry registry = new SimpleMeterRegistry();
    EngineMetrics engineMetrics = new EngineMetrics();
    BreakGlassPolicy policy = BreakGlassPolicy.builder()
        .account(AccountPolicy.builder("app-admin").requesters("alice").approvals(0)
            .maxDuration(Duration.ofMinutes(30)).build())
        .build();
    try (EncryptedFileVault vault = EncryptedFileVault.create(dir.resolve("vault.json"),
        "drill metrics passphrase".toCharArray(), Argon2Parameters.recommended())) {
      vault.write("app-admin", "pre-staged-secret".toCharArray());
      try (BreakGlass breakGlass = BreakGlassEngine.builder().policy(policy).dataDirectory(dir.resolve("data"))
          .vault(vault).rotator(VaultOnlyRotator.forAnyAccount(SecretGenerator.defaults()))
          .metrics(engineMetrics).background(false).build()) {
        BreakGlassMetrics metrics = new BreakGlassMetrics(breakGlass, engineMetrics);
        engineMetrics.onAuditAppend(metrics::appended);
        metrics.bindTo(registry);

        DrillResult drill = breakGlass.drill("app-admin", "alice");
        assertThat(drill.succeeded()).as(drill.detail()).isTrue();
      }
    }
    assertThat(registry.get("breakglass.drills").tag("outcome", "passed").counter().count()).isEqualTo(1.0);
    assertThat(registry.find("breakglass.drills").tag("outcome", "failed").counter()).isNull();
    for (String access : new String[] {"breakglass.requests", "breakglass.grants", "breakglass.releases",
        "breakglass.grants.ended", "breakglass.logins", "breakglass.denials"}) {
      assertThat(registry.find(access).counters()).as(access).isEmpty();
    }
    // the rotation the drill ends with is real
    assertThat(registry.get("breakglass.rotations").tag("outcome", "success").counter().count()).isEqualTo(1.0);
    double drillEvents = registry.find("breakglass.events").tag("drill", "true").counters().stream()
        .mapToDouble(Counter::count).sum();
    assertThat(drillEvents).isGreaterThanOrEqualTo(8);
    assertThat(registry.get("breakglass.events").tag("type", "GRANT_ISSUED").tag("drill", "true").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.find("breakglass.events").tag("type", "GRANT_ISSUED").tag("drill", "false").counter())
        .isNull();
  }
}

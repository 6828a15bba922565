package dev.breakglass.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.BreakGlassPolicy;
import dev.breakglass.PolicyException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PolicyFileAccountOptionsTest {
  static BreakGlassPolicy parse(String yaml) {
    return PolicyFiles.parse("inline.yaml", yaml.getBytes(StandardCharsets.UTF_8), PolicyFiles.Format.YAML);
  }

  @Test
  void ephemeralAndConfirmedAlertOptionsAreRead() {
    BreakGlassPolicy p = parse("accounts:\n  local-admin:\n    requesters: [alice]\n    ephemeral: true\n"
        + "    confirmedAlertBeforeRelease: true\n    fingerprintTicket: true\n  db:\n    requesters: [alice]\n");
    assertThat(p.account("local-admin").orElseThrow().ephemeral()).isTrue();
    assertThat(p.account("local-admin").orElseThrow().confirmedAlertBeforeRelease()).isTrue();
    assertThat(p.account("db").orElseThrow().ephemeral()).isFalse();
    assertThat(p.account("db").orElseThrow().confirmedAlertBeforeRelease()).isFalse();
    assertThat(p.account("local-admin").orElseThrow().fingerprintTicket()).isTrue();
    assertThat(p.account("db").orElseThrow().fingerprintTicket()).isFalse();
  }

  @Test
  void nonBooleanEphemeralIsRejectedWithItsLine() {
    assertThatThrownBy(() -> parse("accounts:\n  local-admin:\n    requesters: [alice]\n    ephemeral: maybe\n"))
        .isInstanceOf(PolicyException.class)
        .satisfies(e -> {
          assertThat(((PolicyException) e).line()).isEqualTo(4);
          assertThat(((PolicyException) e).field()).isEqualTo("accounts.local-admin.ephemeral");
        });
  }

  @Test
  void drillEveryIsReadAndDefaultsToNoInterval() {
    BreakGlassPolicy p = parse("accounts:\n  db:\n    requesters: [alice]\n    drillEvery: 90d\n"
        + "  other:\n    requesters: [alice]\n");
    assertThat(p.account("db").orElseThrow().drillEvery()).isEqualTo(java.time.Duration.ofDays(90));
    assertThat(p.account("other").orElseThrow().drillEvery()).isNull();
  }

  @Test
  void badDrillIntervalsAreRejectedNamingTheFieldAndLine() {
    for (String bad : new String[] {"12h", "401d", "soon", "-90d"}) {
      assertThatThrownBy(() -> parse("accounts:\n  db:\n    requesters: [alice]\n    drillEvery: " + bad + "\n"))
          .as(bad)
          .isInstanceOf(PolicyException.class)
          .satisfies(e -> {
            assertThat(((PolicyException) e).field()).isEqualTo("accounts.db.drillEvery");
            assertThat(((PolicyException) e).line()).isEqualTo(4);
          });
    }
  }
}

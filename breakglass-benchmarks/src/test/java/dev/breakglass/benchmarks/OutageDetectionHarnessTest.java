package dev.breakglass.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.benchmarks.OutageDetectionHarness.Detection;
import dev.breakglass.benchmarks.OutageDetectionHarness.Outage;
import dev.breakglass.benchmarks.OutageDetectionHarness.Result;
import org.junit.jupiter.api.Test;

/**
 * The harness itself works: on a real provider that goes down, the engine with its defaults opens the
 * emergency and the harness sees it. How fast is what the harness reports (benchmarks README); a
 * shared build machine is no place to assert it.
 */
class OutageDetectionHarnessTest {
  @Test
  void probesAloneDetectARefusingProvider() throws Exception {
    Result r = OutageDetectionHarness.scenario(Outage.REFUSED, Detection.PROBES, 1);
    assertThat(r.undetected()).isZero();
    assertThat(r.millis()).hasSize(1).allSatisfy(ms -> assertThat(ms).isNotNegative());
  }

  @Test
  void probesAndPassiveSignalsDetectAHangingProvider() throws Exception {
    Result r = OutageDetectionHarness.scenario(Outage.HANGS, Detection.PROBES_AND_PASSIVE, 1);
    assertThat(r.undetected()).isZero();
    assertThat(r.millis()).hasSize(1).allSatisfy(ms -> assertThat(ms).isNotNegative());
  }
}

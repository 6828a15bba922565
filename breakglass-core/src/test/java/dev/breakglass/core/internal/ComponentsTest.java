package dev.breakglass.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.HealthProbeProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link Components} turns properties into components and unwinds them after a failed build. */
class ComponentsTest {
  private static final String URL = "http://127.0.0.1:9/health";

  @TempDir Path dir;

  private List<HealthProbe> probes(Map<String, String> properties) {
    Components components = new Components(properties, Clock.systemUTC(), dir);
    return components.list("probes", "probe", ProviderRegistry.load("health probe", HealthProbeProvider.class));
  }

  @Test
  void listedProbes_areCreated_andTakeTheCommonHealthTimeout() {
    List<HealthProbe> probes = probes(Map.of("probes", "http", "probe.http.url", URL, "health.timeout", "3s"));

    assertThat(probes).singleElement().hasToString("HttpStatusProbe[" + URL + ", timeout=3s]");
  }

  @Test
  void aProbesOwnTimeout_winsOverTheCommonOne() {
    assertThat(probes(Map.of("probes", "http", "probe.http.url", URL, "probe.http.timeout", "5s",
        "health.timeout", "3s"))).singleElement().hasToString("HttpStatusProbe[" + URL + ", timeout=5s]");
  }

  @Test
  void withoutAnyTimeout_aProbeKeepsItsDefault() {
    assertThat(probes(Map.of("probes", "http", "probe.http.url", URL)))
        .singleElement().hasToString("HttpStatusProbe[" + URL + ", timeout=1s]");
  }

  @Test
  void healthSettings_areReadUnderTheirShortNames_andNothingElseIs() {
    Components components = new Components(Map.of("health.fall", "5", "probe.fall", "7"), Clock.systemUTC(), dir);

    assertThat(components.health().integer("fall", 3)).isEqualTo(5);
    assertThat(components.health().get("probe.fall")).isEmpty();
    assertThat(components.health().get("fall")).contains("5");
  }

  @Test
  void aDataDirectory_isKnownOnlyWhenGiven() {
    assertThat(new Components(Map.of(), Clock.systemUTC(), dir).hasDataDirectory()).isTrue();
    assertThat(new Components(Map.of(), Clock.systemUTC(), null).hasDataDirectory()).isFalse();
  }

  @Test
  void closeQuietly_closesEverythingOwned_newestFirst_evenWhenOneFails() {
    Components components = new Components(Map.of(), Clock.systemUTC(), dir);
    List<String> closed = new ArrayList<>();
    components.own((AutoCloseable) () -> closed.add("first"));
    components.own((AutoCloseable) () -> {
      closed.add("second");
      throw new IllegalStateException("broken");
    });
    components.own((AutoCloseable) () -> closed.add("third"));

    components.closeQuietly();

    assertThat(closed).containsExactly("third", "second", "first");
  }
}

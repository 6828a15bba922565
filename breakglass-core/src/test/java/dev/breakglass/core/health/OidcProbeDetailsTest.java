package dev.breakglass.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakglass.core.health.LocalIdentityProvider.Mode;
import dev.breakglass.spi.ProbeResult;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The details an {@link OidcDiscoveryProbe} reports and the configuration it exposes. */
class OidcProbeDetailsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private LocalIdentityProvider idp;

  @BeforeEach
  void start() throws IOException {
    idp = LocalIdentityProvider.start();
  }

  @AfterEach
  void stop() {
    idp.stop();
  }

  @Test
  void aDocumentThatIsNotJson_isReportedWithTheParsersFirstLine() {
    idp.mode(Mode.NOT_JSON);

    ProbeResult r = OidcDiscoveryProbe.builder(idp.issuer()).timeout(TIMEOUT).build().check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail())
        .startsWith("discovery document at " + idp.issuer() + OidcDiscoveryProbe.DISCOVERY_PATH
            + " is not JSON (Unexpected character ('<'")
        .endsWith(")")
        .doesNotContain("\n");
  }

  @Test
  void issuer_isTheConfiguredIdentifierWithoutSurroundingSpace() {
    OidcDiscoveryProbe probe = OidcDiscoveryProbe.builder("  " + idp.issuer() + "/realms/main/ ").build();

    assertThat(probe.issuer()).isEqualTo(idp.issuer() + "/realms/main/");
    assertThat(probe.discoveryUri()).hasToString(idp.issuer() + "/realms/main" + OidcDiscoveryProbe.DISCOVERY_PATH);
    assertThat(probe.name()).isEqualTo("oidc:" + idp.issuer() + "/realms/main/");
  }

  @Test
  void latency_isTheTimeTheCheckTook() {
    OidcDiscoveryProbe probe = OidcDiscoveryProbe.builder(idp.issuer()).timeout(TIMEOUT).build();
    long before = System.nanoTime();

    ProbeResult r = probe.check();

    long elapsed = System.nanoTime() - before;
    assertThat(r.healthy()).isTrue();
    assertThat(r.latency()).isPositive().isLessThanOrEqualTo(Duration.ofNanos(elapsed));
  }
}

package dev.breakglass.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.core.health.LocalIdentityProvider.Mode;
import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.ProbeResult;
import dev.breakglass.tck.HealthProbeContract;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HttpStatusProbeTest {
  /** Long enough for a loopback answer on a loaded machine; answered requests never wait for it. */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** For the cases that hang: each of their checks waits this long. */
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);
  /** A token in the health URL's query, as some providers require; it must never be shown. */
  private static final String TOKEN = "canary-7f3a9c2e-health-token";

  private LocalIdentityProvider server;

  @BeforeEach
  void startServer() throws IOException {
    server = LocalIdentityProvider.start();
  }

  @AfterEach
  void stopServer() {
    server.stop();
  }

  private String healthUrl() {
    return server.baseUrl() + "/health?token=" + TOKEN;
  }

  private HttpStatusProbe newProbe() {
    return newProbe(TIMEOUT);
  }

  private HttpStatusProbe newProbe(Duration timeout) {
    return HttpStatusProbe.builder(healthUrl()).timeout(timeout).build();
  }

  abstract class Contract extends HealthProbeContract {
    @Override
    protected HealthProbe createProbe() {
      return newProbe();
    }

    @Override
    protected Set<String> secrets() {
      return Set.of(TOKEN);
    }
  }

  @Nested
  class WhenTheServerIsStopped extends Contract {
    @Override
    protected void makeTargetUnhealthy() {
      server.stop();
    }
  }

  @Nested
  class WhenTheServerAnswers503 extends Contract {
    @Override
    protected void makeTargetUnhealthy() {
      server.mode(Mode.ERROR_500);
    }
  }

  @Nested
  class WhenTheServerHangsPastTheTimeout extends Contract {
    @Override
    protected HealthProbe createProbe() {
      return newProbe(SHORT_TIMEOUT);
    }

    @Override
    protected void makeTargetUnhealthy() {
      server.mode(Mode.HANG);
    }
  }

  @Test
  void twoHundredsAreHealthyAndTheQueryIsNotShown() {
    ProbeResult r = newProbe().check();

    assertThat(r.healthy()).isTrue();
    assertThat(r.detail()).isEqualTo(server.baseUrl() + "/health?... answered HTTP 204");
  }

  @Test
  void serverErrorIsUnhealthyWithTheStatus() {
    server.mode(Mode.ERROR_500);

    ProbeResult r = newProbe().check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).isEqualTo(server.baseUrl() + "/health?... answered HTTP 503");
  }

  @Test
  void notFoundIsUnhealthy() {
    ProbeResult r = HttpStatusProbe.builder(server.baseUrl() + "/nothing-here").timeout(TIMEOUT).build().check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).isEqualTo(server.baseUrl() + "/nothing-here answered HTTP 404");
  }

  @Test
  void refusedConnectionIsUnhealthyAndSaysSo() {
    HttpStatusProbe probe = newProbe();
    server.stop();

    ProbeResult r = probe.check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail())
        .isEqualTo("could not connect to " + server.baseUrl() + "/health?... (connection refused or unreachable)");
  }

  @Test
  void stalledBodyIsCutOffByTheTimeout() {
    server.mode(Mode.HANG_IN_BODY);

    ProbeResult r = newProbe(SHORT_TIMEOUT).check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).isEqualTo("no complete response from " + server.baseUrl() + "/health?... within 500ms");
  }

  @Test
  void nameAndToStringHideTheQuery() {
    HttpStatusProbe probe = newProbe();

    assertThat(probe.name()).isEqualTo("http:" + server.baseUrl() + "/health?...");
    assertThat(probe.toString()).isEqualTo("HttpStatusProbe[" + server.baseUrl() + "/health?..., timeout=5s]");
  }

  @Test
  void urlWithCredentialsIsRefusedWithoutRepeatingThem() {
    assertThatThrownBy(() -> HttpStatusProbe.builder("https://monitor:" + TOKEN + "@idp.example.com/health"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("url must not carry credentials (user info)");
  }

  @Test
  void urlMustBeAbsoluteHttp() {
    assertThatThrownBy(() -> HttpStatusProbe.builder("/health"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("url must be an absolute http:// or https:// URL");
    assertThatThrownBy(() -> HttpStatusProbe.builder("file:///etc/passwd"))
        .hasMessage("url must be an absolute http:// or https:// URL");
    assertThatThrownBy(() -> HttpStatusProbe.builder("http:///health"))
        .hasMessage("url must name a host");
  }
}

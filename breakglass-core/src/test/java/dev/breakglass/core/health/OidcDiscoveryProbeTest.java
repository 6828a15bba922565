package dev.breakglass.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.core.health.LocalIdentityProvider.Mode;
import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.ProbeResult;
import dev.breakglass.tck.HealthProbeContract;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OidcDiscoveryProbeTest {
  /** Long enough for a loopback answer on a loaded machine; answered requests never wait for it. */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** For the cases that hang: each of their checks waits this long. */
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);

  private LocalIdentityProvider idp;

  @BeforeEach
  void startIdentityProvider() throws IOException {
    idp = LocalIdentityProvider.start();
  }

  @AfterEach
  void stopIdentityProvider() {
    idp.stop();
  }

  private OidcDiscoveryProbe newProbe() {
    return newProbe(TIMEOUT);
  }

  private OidcDiscoveryProbe newProbe(Duration timeout) {
    return OidcDiscoveryProbe.builder(idp.issuer()).timeout(timeout).build();
  }

  private String discoveryUrl() {
    return idp.issuer() + "/.well-known/openid-configuration";
  }

  abstract class Contract extends HealthProbeContract {
    @Override
    protected HealthProbe createProbe() {
      return newProbe();
    }
  }

  abstract class HangingContract extends HealthProbeContract {
    @Override
    protected HealthProbe createProbe() {
      return newProbe(SHORT_TIMEOUT);
    }
  }

  @Nested
  class WhenTheProviderIsStopped extends Contract {
    @Override
    protected void makeTargetUnhealthy() {
      idp.stop();
    }
  }

  @Nested
  class WhenTheProviderAnswers500 extends Contract {
    @Override
    protected void makeTargetUnhealthy() {
      idp.mode(Mode.ERROR_500);
    }
  }

  @Nested
  class WhenTheProviderHangsPastTheTimeout extends HangingContract {
    @Override
    protected void makeTargetUnhealthy() {
      idp.mode(Mode.HANG);
    }
  }

  @Nested
  class WhenTheProviderStallsInTheBody extends HangingContract {
    @Override
    protected void makeTargetUnhealthy() {
      idp.mode(Mode.HANG_IN_BODY);
    }
  }

  @Nested
  class WhenTheDocumentNamesAnotherIssuer extends Contract {
    @Override
    protected void makeTargetUnhealthy() {
      idp.mode(Mode.WRONG_ISSUER);
    }
  }

  @Nested
  class WhenTheKeySetIsEmpty extends Contract {
    @Override
    protected void makeTargetUnhealthy() {
      idp.mode(Mode.EMPTY_KEY_SET);
    }
  }

  @Test
  void healthyProviderIsHealthyAndItsKeysAreCounted() {
    ProbeResult r = newProbe().check();

    assertThat(r.healthy()).isTrue();
    assertThat(r.detail()).isEqualTo("discovery document of " + idp.issuer() + " is valid; key set holds 1 key");
    assertThat(idp.requests()).as("discovery document and key set fetched").isEqualTo(2);
  }

  @Test
  void refusedConnectionIsUnhealthyAndSaysSo() {
    OidcDiscoveryProbe probe = newProbe();
    idp.stop();

    ProbeResult r = probe.check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).isEqualTo("could not connect to " + discoveryUrl() + " (connection refused or unreachable)");
  }

  @Test
  void serverErrorIsUnhealthyWithTheStatus() {
    idp.mode(Mode.ERROR_500);

    ProbeResult r = newProbe().check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).isEqualTo("discovery document at " + discoveryUrl() + " answered HTTP 500");
  }

  @Test
  void providerThatNeverAnswersIsUnhealthyAfterTheTimeout() {
    idp.mode(Mode.HANG);

    ProbeResult r = newProbe(SHORT_TIMEOUT).check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).startsWith("no ").contains(" from " + discoveryUrl() + " within 500ms");
  }

  @Test
  void providerThatStallsAfterTheHeadersIsCutOffByTheOverallTimeout() {
    idp.mode(Mode.HANG_IN_BODY);

    ProbeResult r = newProbe(SHORT_TIMEOUT).check();

    assertThat(r.healthy()).isFalse();
    // The JDK client's own timeout ends with the headers; only the overall bound catches this.
    assertThat(r.detail()).isEqualTo("no complete response from " + discoveryUrl() + " within 500ms");
  }

  @Test
  void documentNamingAnotherIssuerIsUnhealthy() {
    idp.mode(Mode.WRONG_ISSUER);

    ProbeResult r = newProbe().check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).isEqualTo("discovery document at " + discoveryUrl()
        + " names issuer 'https://evil.example.com', expected '" + idp.issuer() + "'");
  }

  @Test
  void issuerMustMatchExactlyEvenInItsTrailingSlash() {
    // The discovery URL is the same with or without the slash; the announced issuer is not.
    OidcDiscoveryProbe probe = OidcDiscoveryProbe.builder(idp.issuer() + "/").timeout(TIMEOUT).build();

    ProbeResult r = probe.check();

    assertThat(probe.discoveryUri()).isEqualTo(URI.create(discoveryUrl()));
    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).contains("names issuer '" + idp.issuer() + "', expected '" + idp.issuer() + "/'");
  }

  @Test
  void issuerWithAPathFindsTheDocumentUnderThatPath() throws IOException {
    try (LocalIdentityProvider realm = LocalIdentityProvider.startWithIssuerPath("/realms/main")) {
      OidcDiscoveryProbe probe = OidcDiscoveryProbe.builder(realm.issuer()).timeout(TIMEOUT).build();

      ProbeResult r = probe.check();

      assertThat(probe.discoveryUri().getPath()).isEqualTo("/realms/main/.well-known/openid-configuration");
      assertThat(r.healthy()).as(r.detail()).isTrue();
    }
  }

  @Test
  void bodyThatIsNotJsonIsUnhealthy() {
    idp.mode(Mode.NOT_JSON);

    ProbeResult r = newProbe().check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).startsWith("discovery document at " + discoveryUrl() + " is not JSON (");
  }

  @Test
  void documentWithoutTokenEndpointIsUnhealthy() {
    idp.mode(Mode.MISSING_TOKEN_ENDPOINT);

    ProbeResult r = newProbe().check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).isEqualTo("discovery document at " + discoveryUrl() + " has no token_endpoint");
  }

  @Test
  void emptyKeySetIsUnhealthy() {
    idp.mode(Mode.EMPTY_KEY_SET);

    ProbeResult r = newProbe().check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).isEqualTo("key set at " + idp.baseUrl() + "/keys holds no keys");
  }

  @Test
  void failingKeySetIsUnhealthyWhenKeysAreChecked() {
    idp.mode(Mode.KEY_SET_500);

    ProbeResult r = newProbe().check();

    assertThat(r.healthy()).isFalse();
    assertThat(r.detail()).isEqualTo("key set at " + idp.baseUrl() + "/keys answered HTTP 500");
  }

  @Test
  void keySetIsNotFetchedWhenKeyCheckIsOff() {
    idp.mode(Mode.KEY_SET_500);
    OidcDiscoveryProbe probe = OidcDiscoveryProbe.builder(idp.issuer()).timeout(TIMEOUT).checkJwks(false).build();

    ProbeResult r = probe.check();

    assertThat(r.healthy()).as(r.detail()).isTrue();
    assertThat(r.detail()).endsWith("is valid (keys not checked)");
    assertThat(idp.requests()).isEqualTo(1);
  }

  @Test
  void probeKeepsNoStateBetweenChecks() {
    OidcDiscoveryProbe probe = newProbe();
    idp.mode(Mode.ERROR_500);
    assertThat(probe.check().healthy()).isFalse();

    idp.mode(Mode.HEALTHY);

    assertThat(probe.check().healthy()).isTrue();
  }

  @Test
  void nameAndToStringShowTheIssuer() {
    OidcDiscoveryProbe probe = newProbe();

    assertThat(probe.name()).isEqualTo("oidc:" + idp.issuer());
    assertThat(probe.toString()).isEqualTo("OidcDiscoveryProbe[" + idp.issuer() + ", timeout=5s, checkJwks=true]");
  }

  @Test
  void issuerMustBeAnAbsoluteHttpUrlWithoutQueryOrFragment() {
    assertThatThrownBy(() -> OidcDiscoveryProbe.builder("login.example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("issuer must be an absolute http:// or https:// URL");
    assertThatThrownBy(() -> OidcDiscoveryProbe.builder("ftp://login.example.com"))
        .hasMessage("issuer must be an absolute http:// or https:// URL");
    assertThatThrownBy(() -> OidcDiscoveryProbe.builder("https://login.example.com?tenant=a"))
        .hasMessage("issuer must not have a query or fragment");
    assertThatThrownBy(() -> OidcDiscoveryProbe.builder("https://login.example.com#x"))
        .hasMessage("issuer must not have a query or fragment");
    assertThatThrownBy(() -> OidcDiscoveryProbe.builder("https://admin:hunter2@login.example.com"))
        .hasMessage("issuer must not carry credentials (user info)");
    assertThatThrownBy(() -> OidcDiscoveryProbe.builder("https://login example.com"))
        .hasMessageStartingWith("issuer is not a valid URL");
  }

  @Test
  void timeoutsMustBePositive() {
    OidcDiscoveryProbe.Builder builder = OidcDiscoveryProbe.builder("https://login.example.com");

    assertThatThrownBy(() -> builder.timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be positive, was PT0S");
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ofSeconds(-1)))
        .hasMessage("connectTimeout must be positive, was PT-1S");
  }
}

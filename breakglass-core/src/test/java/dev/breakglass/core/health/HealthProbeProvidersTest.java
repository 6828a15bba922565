package dev.breakglass.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ProviderException;
import dev.breakglass.core.health.LocalIdentityProvider.Mode;
import dev.breakglass.spi.HealthProbe;
import dev.breakglass.spi.HealthProbeProvider;
import dev.breakglass.spi.ProbeResult;
import dev.breakglass.spi.ProviderContext;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthProbeProvidersTest {
  @TempDir
  Path dataDirectory;

  private LocalIdentityProvider idp;

  @BeforeEach
  void startIdentityProvider() throws IOException {
    idp = LocalIdentityProvider.start();
  }

  @AfterEach
  void stopIdentityProvider() {
    idp.stop();
  }

  private ProviderContext context(String name, Map<String, String> properties) {
    return new ProviderContext(name, properties, Clock.systemUTC(), dataDirectory);
  }

  private static HealthProbeProvider provider(String name) {
    return ServiceLoader.load(HealthProbeProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no health probe provider named " + name));
  }

  @Test
  void serviceLoaderFindsTheOidcAndHttpProviders() {
    List<String> names = ServiceLoader.load(HealthProbeProvider.class).stream()
        .map(p -> p.get().name())
        .collect(Collectors.toList());

    assertThat(names).contains(OidcProbeProvider.NAME, HttpStatusProbeProvider.NAME);
    assertThat(provider("oidc")).isInstanceOf(OidcProbeProvider.class);
    assertThat(provider("http")).isInstanceOf(HttpStatusProbeProvider.class);
  }

  @Test
  void moduleDescriptorExportsTheHealthPackageAndProvidesBothProviders() throws IOException {
    Path moduleInfo = Path.of("target/classes/module-info.class");
    ModuleDescriptor descriptor;
    try (var in = Files.newInputStream(moduleInfo)) {
      descriptor = ModuleDescriptor.read(in);
    }

    assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source)
        .contains("dev.breakglass.core.health");
    assertThat(descriptor.provides())
        .filteredOn(p -> p.service().equals(HealthProbeProvider.class.getName()))
        .flatExtracting(ModuleDescriptor.Provides::providers)
        .containsExactlyInAnyOrder(OidcProbeProvider.class.getName(), HttpStatusProbeProvider.class.getName());
  }

  @Test
  void oidcProviderBuildsAWorkingProbeWithDefaults() {
    HealthProbe probe = provider("oidc").create(context("oidc", Map.of("issuer", idp.issuer())));

    ProbeResult r = probe.check();

    assertThat(probe.name()).isEqualTo("oidc:" + idp.issuer());
    assertThat(probe.toString()).contains("timeout=1s", "checkJwks=true");
    assertThat(r.healthy()).as(r.detail()).isTrue();
  }

  @Test
  void oidcProviderReadsTimeoutsAndJwksSwitch() {
    idp.mode(Mode.KEY_SET_500);
    HealthProbe probe = provider("oidc").create(context("oidc", Map.of("issuer", idp.issuer(),
        "timeout", "750ms", "connect-timeout", "PT0.5S", "check-jwks", "false")));

    ProbeResult r = probe.check();

    assertThat(probe.toString()).contains("timeout=750ms", "checkJwks=false");
    assertThat(r.healthy()).as(r.detail()).isTrue();
  }

  @Test
  void oidcProviderNeedsTheIssuer() {
    assertThatThrownBy(() -> provider("oidc").create(context("oidc", Map.of("timeout", "2s"))))
        .isInstanceOf(ProviderException.class)
        .hasMessage("provider 'oidc' needs the property 'issuer'");
  }

  @Test
  void oidcProviderRejectsABadIssuer() {
    assertThatThrownBy(() -> provider("oidc").create(context("oidc", Map.of("issuer", "login.example.com"))))
        .isInstanceOf(ProviderException.class)
        .hasMessage("provider 'oidc' property 'issuer': issuer must be an absolute http:// or https:// URL");
  }

  @Test
  void oidcProviderRejectsBadTimeoutsAndSwitches() {
    HealthProbeProvider oidc = provider("oidc");

    assertThatThrownBy(() -> oidc.create(context("oidc", Map.of("issuer", idp.issuer(), "timeout", "soon"))))
        .isInstanceOf(ProviderException.class)
        .hasMessageStartingWith("provider 'oidc' property 'timeout': 'soon' is not a duration");
    assertThatThrownBy(() -> oidc.create(context("oidc", Map.of("issuer", idp.issuer(), "timeout", "0s"))))
        .hasMessage("provider 'oidc' property 'timeout': must be a positive duration, was '0s'");
    assertThatThrownBy(() -> oidc.create(context("oidc", Map.of("issuer", idp.issuer(), "connect-timeout", "0ms"))))
        .hasMessage("provider 'oidc' property 'connect-timeout': must be a positive duration, was '0ms'");
    assertThatThrownBy(() -> oidc.create(context("oidc", Map.of("issuer", idp.issuer(), "check-jwks", "yes"))))
        .isInstanceOf(ProviderException.class)
        .hasMessage("provider 'oidc' property 'check-jwks': must be true or false, was 'yes'");
  }

  @Test
  void httpProviderBuildsAWorkingProbe() {
    HealthProbe probe = provider("http").create(context("http",
        Map.of("url", idp.baseUrl() + "/health", "timeout", "1s")));

    ProbeResult r = probe.check();

    assertThat(probe.toString()).contains("timeout=1s");
    assertThat(r.healthy()).as(r.detail()).isTrue();
  }

  @Test
  void httpProviderNeedsTheUrlAndNeverRepeatsCredentials() {
    HealthProbeProvider http = provider("http");

    assertThatThrownBy(() -> http.create(context("http", Map.of())))
        .isInstanceOf(ProviderException.class)
        .hasMessage("provider 'http' needs the property 'url'");
    assertThatThrownBy(() -> http.create(context("http", Map.of("url", "https://probe:s3cret-pw@idp.example.com/"))))
        .isInstanceOf(ProviderException.class)
        .hasMessage("provider 'http' property 'url': url must not carry credentials (user info)");
  }
}

package dev.breakglass.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ProviderException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed readers of {@link ProviderContext}: every error names the full key and the bad value. */
class ProviderContextReadersTest {
  @TempDir Path dir;

  private ProviderContext context(Map<String, String> props) {
    return new ProviderContext("oidc", props, Clock.systemUTC(), dir).withKeyPrefix("probe.oidc.");
  }

  @Test
  void fullKey_isThePrefixPlusTheKey() {
    assertThat(context(Map.of()).fullKey("issuer")).isEqualTo("probe.oidc.issuer");
    assertThat(new ProviderContext("oidc", Map.of(), Clock.systemUTC(), dir).fullKey("issuer")).isEqualTo("issuer");
  }

  @Test
  void problem_namesProviderAndFullKey() {
    ProviderException e = context(Map.of()).problem("issuer", "must be an https URL");
    assertThat(e).hasMessage("provider 'oidc' property 'probe.oidc.issuer': must be an https URL");
    assertThat(e.provider()).isEqualTo("oidc");
  }

  @Test
  void bool_readsTrueAndFalseInAnyCase_andDefaults() {
    ProviderContext c = context(Map.of("a", "TRUE", "b", " false ", "c", "True"));
    assertThat(c.bool("a", false)).isTrue();
    assertThat(c.bool("b", true)).isFalse();
    assertThat(c.bool("c", false)).isTrue();
    assertThat(c.bool("absent", true)).isTrue();
    assertThat(c.bool("absent", false)).isFalse();
  }

  @Test
  void bool_badValue_namesFullKeyAndValue() {
    for (String bad : new String[] {"yes", "1", "on", "tru"}) {
      assertThatThrownBy(() -> context(Map.of("insecure", bad)).bool("insecure", false))
          .isInstanceOf(ProviderException.class)
          .hasMessage("provider 'oidc' property 'probe.oidc.insecure': must be true or false, was '" + bad + "'");
    }
  }

  @Test
  void positiveDuration_readsAndDefaults() {
    ProviderContext c = context(Map.of("timeout", "250ms"));
    assertThat(c.positiveDuration("timeout", Duration.ofSeconds(5))).isEqualTo(Duration.ofMillis(250));
    assertThat(c.positiveDuration("absent", Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void positiveDuration_zeroOrNegative_namesFullKeyAndValue() {
    for (String bad : new String[] {"0s", "PT0S", "PT-5S", "0ms"}) {
      assertThatThrownBy(() -> context(Map.of("timeout", bad)).positiveDuration("timeout", Duration.ofSeconds(1)))
          .isInstanceOf(ProviderException.class)
          .hasMessage("provider 'oidc' property 'probe.oidc.timeout': must be a positive duration, was '" + bad + "'");
    }
  }

  @Test
  void duration_unparsable_namesFullKeyAndValue() {
    assertThatThrownBy(() -> context(Map.of("timeout", "5 minutes")).positiveDuration("timeout", Duration.ZERO))
        .hasMessageStartingWith("provider 'oidc' property 'probe.oidc.timeout': '5 minutes' is not a duration");
    assertThatThrownBy(() -> context(Map.of("timeout", "soon")).duration("timeout", Duration.ZERO))
        .hasMessageStartingWith("provider 'oidc' property 'probe.oidc.timeout': 'soon' is not a duration");
  }

  @Test
  void integer_bad_namesFullKeyAndValue() {
    assertThatThrownBy(() -> context(Map.of("retries", "x")).integer("retries", 3))
        .hasMessage("provider 'oidc' property 'probe.oidc.retries': must be an integer, was 'x'");
  }

  enum Mode { PLAIN, START_TLS }

  @Test
  void enumValue_readsDashedNamesAndNamesTheChoicesOnError() {
    assertThat(context(Map.of("tls", "start-tls")).enumValue("tls", Mode.class, Mode.PLAIN)).isEqualTo(Mode.START_TLS);
    assertThat(context(Map.of()).enumValue("tls", Mode.class, Mode.PLAIN)).isEqualTo(Mode.PLAIN);
    assertThatThrownBy(() -> context(Map.of("tls", "ssl")).enumValue("tls", Mode.class, Mode.PLAIN))
        .hasMessage("provider 'oidc' property 'probe.oidc.tls': must be one of plain, start-tls, was 'ssl'");
  }

  @Test
  void trustedCertificates_absent_isEmpty() {
    assertThat(context(Map.of()).trustedCertificates("trust-certificates")).isEmpty();
  }

  @Test
  void trustedCertificates_readsAPemFile() throws Exception {
    Path pem = TestCertificates.selfSignedPem(dir.resolve("ca.pem"));
    SSLContext ssl = context(Map.of("trust-certificates", pem.toString()))
        .trustedCertificates("trust-certificates").orElseThrow();
    assertThat(ssl.getProtocol()).isEqualTo("TLS");
  }

  @Test
  void trustedCertificates_relativePathIsResolvedInTheDataDirectory() throws Exception {
    TestCertificates.selfSignedPem(dir.resolve("ca.pem"));
    assertThat(context(Map.of("trust-certificates", "ca.pem")).trustedCertificates("trust-certificates")).isPresent();
  }

  @Test
  void trustedCertificates_unreadableOrEmptyOrGarbage_namesFullKeyAndFile() throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> context(Map.of("trust-certificates", missing.toString()))
        .trustedCertificates("trust-certificates"))
        .isInstanceOf(ProviderException.class)
        .hasMessageStartingWith("provider 'oidc' property 'probe.oidc.trust-certificates': cannot read certificates from "
            + missing);
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertThatThrownBy(() -> context(Map.of("trust-certificates", empty.toString()))
        .trustedCertificates("trust-certificates"))
        .hasMessage("provider 'oidc' property 'probe.oidc.trust-certificates': " + empty + " holds no certificate");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"),
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> context(Map.of("trust-certificates", garbage.toString()))
        .trustedCertificates("trust-certificates"))
        .hasMessageStartingWith("provider 'oidc' property 'probe.oidc.trust-certificates': cannot read certificates from "
            + garbage);
  }

  @Test
  void secretErrors_nameTheFullKey() {
    assertThatThrownBy(() -> context(Map.of("client-secret", "x")).secret("client-secret"))
        .hasMessageStartingWith("provider 'oidc' property 'probe.oidc.client-secret': would hold a secret in clear text");
  }

  @Test
  void requireSecret_missing_namesBothForms() {
    assertThatThrownBy(() -> context(Map.of()).requireSecret("pin", "the user PIN"))
        .isInstanceOf(ProviderException.class)
        .hasMessage("provider 'oidc' needs 'probe.oidc.pin-env' (an environment variable holding the user PIN)"
            + " or 'probe.oidc.pin-file' (a file holding it)");
  }
}

package dev.breakglass.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlass;
import dev.breakglass.BreakGlassException;
import dev.breakglass.ReasonCode;
import dev.breakglass.core.vault.Argon2Parameters;
import dev.breakglass.core.vault.EncryptedFileVault;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spring.boot.actuate.BreakGlassEndpoint;
import dev.breakglass.spring.boot.actuate.BreakGlassHealthIndicator;
import dev.breakglass.spring.boot.actuate.BreakGlassMetrics;
import dev.breakglass.spring.security.BreakGlassAuthenticationProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.TestingAuthenticationProvider;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class BreakGlassAutoConfigurationTest {
  @TempDir Path dir;

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(BreakGlassAutoConfiguration.class,
          BreakGlassSecurityAutoConfiguration.class, BreakGlassActuatorAutoConfiguration.class));

  @Configuration(proxyBeanMethods = false)
  static class Vault {
    @Bean(destroyMethod = "close")
    CredentialVault vault(org.springframework.core.env.Environment env) {
      Path file = Path.of(env.getProperty("test.vault"));
      return Files.exists(file) ? EncryptedFileVault.open(file, "a vault passphrase".toCharArray())
          : EncryptedFileVault.create(file, "a vault passphrase".toCharArray(), Argon2Parameters.recommended());
    }

    @Bean
    Events events() {
      return new Events();
    }

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  static final class Events {
    final List<AuditEventType> types = new CopyOnWriteArrayList<>();

    @EventListener
    void on(BreakGlassAuditEvent e) {
      types.add(e.type());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Users {
    @Bean
    UserDetailsService users() {
      return new InMemoryUserDetailsManager(User.withUsername("bob").password("{noop}pw").roles("USER").build());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnProvider {
    @Bean
    AuthenticationProvider own() {
      return new TestingAuthenticationProvider();
    }
  }

  private WebApplicationContextRunner configured() {
    return runner.withUserConfiguration(Vault.class).withPropertyValues(
        "breakglass.policy=classpath:test-policy.yaml",
        "breakglass.data-directory=" + dir.resolve("data"),
        "test.vault=" + dir.resolve("vault.json"));
  }

  @Test
  void buildsTheEngineFromPropertiesPublishesEventsAndClosesItOnShutdown() {
    BreakGlass[] kept = new BreakGlass[1];
    configured().withPropertyValues("management.endpoints.web.exposure.include=breakglass").run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(BreakGlass.class).hasSingleBean(BreakGlassHealthIndicator.class)
          .hasSingleBean(BreakGlassEndpoint.class).hasSingleBean(BreakGlassMetrics.class);
      BreakGlass breakGlass = context.getBean(BreakGlass.class);
      kept[0] = breakGlass;
      assertThat(breakGlass.policy().accounts()).containsOnlyKeys("app-admin");
      assertThat(Files.exists(dir.resolve("data").resolve("audit.pub"))).isTrue();

      MeterRegistry meters = context.getBean(MeterRegistry.class);
      context.getBean(BreakGlassMetrics.class).bindTo(meters);  // what Boot's metrics auto-configuration does
      breakGlass.declareIncident("sre-lead", "drill");
      assertThat(context.getBean(Events.class).types).contains(AuditEventType.INCIDENT_DECLARED);
      Health health = context.getBean(BreakGlassHealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("emergency", true).containsKey("incident");
      assertThat(meters.get("breakglass.emergency").gauge().value()).isEqualTo(1.0);
      assertThat(meters.get("breakglass.events").tag("type", "INCIDENT_DECLARED").counter().count()).isEqualTo(1.0);
      Map<String, Object> state = context.getBean(BreakGlassEndpoint.class).state();
      assertThat(state).containsEntry("emergency", true).containsEntry("openGrants", List.of())
          .containsEntry("taintedAccounts", List.of());
    });
    assertThatThrownBy(() -> kept[0].declareIncident("sre-lead", "after shutdown"))
        .isInstanceOfSatisfying(BreakGlassException.class, e -> assertThat(e.code()).isEqualTo(ReasonCode.CLOSED));
  }

  @Test
  void missingDataDirectoryIsNamed() {
    runner.withUserConfiguration(Vault.class).withPropertyValues("breakglass.policy=classpath:test-policy.yaml",
        "test.vault=" + dir.resolve("vault.json")).run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("breakglass.data-directory"));
  }

  @Test
  void missingOrAbsentPolicyIsNamed() {
    runner.withUserConfiguration(Vault.class).withPropertyValues("breakglass.data-directory=" + dir,
        "test.vault=" + dir.resolve("vault.json")).run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("breakglass.policy is not set"));
    configured().withPropertyValues("breakglass.policy=classpath:no-such-policy.yaml").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("no-such-policy.yaml")
            .hasMessageContaining("does not exist"));
  }

  @Test
  void unknownEnginePropertyIsNamed() {
    configured().withPropertyValues("breakglass.properties.probe.nosuch.url=http://x").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("probe.nosuch.url"));
  }

  @Test
  void disabledMeansNoEngine() {
    configured().withPropertyValues("breakglass.enabled=false").run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(BreakGlass.class)
            .doesNotHaveBean(BreakGlassAuthenticationProvider.class));
  }

  @Test
  void wrapsTheApplicationsUserDetailsServiceWithTheConfiguredAuthority() {
    configured().withUserConfiguration(Users.class).withPropertyValues("breakglass.security.authority=ROLE_EMERGENCY")
        .run(context -> assertThat(context.getBean(BreakGlassAuthenticationProvider.class).authority())
            .isEqualTo("ROLE_EMERGENCY"));
  }

  @Test
  void leavesAnApplicationsOwnProviderAlone() {
    configured().withUserConfiguration(Users.class, OwnProvider.class).run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(BreakGlassAuthenticationProvider.class));
  }

  @Test
  void configurationMetadataDescribesEveryProperty() throws Exception {
    JsonNode metadata;
    try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      metadata = new ObjectMapper().readTree(in);
    }
    List<String> names = metadata.get("properties").valueStream().map(p -> p.get("name").asString()).toList();
    assertThat(names).contains("breakglass.enabled", "breakglass.policy", "breakglass.data-directory",
        "breakglass.sweep-interval", "breakglass.properties", "breakglass.health.interval", "breakglass.health.fall",
        "breakglass.health.rise", "breakglass.health.timeout", "breakglass.health.passive-fall",
        "breakglass.health.passive-window", "breakglass.security.enabled", "breakglass.security.authority");
    metadata.get("properties").valueStream().filter(p -> p.get("name").asString().startsWith("breakglass."))
        .forEach(p -> assertThat(p.path("description").asString()).as(p.get("name").asString()).isNotBlank());
    assertThat(metadata.get("hints").valueStream().map(h -> h.get("name").asString()))
        .contains("breakglass.properties.keys");
  }

  /** The engine's own defaults (BreakGlassEngine.Builder): what the IDE shows must be what runs. */
  @Test
  void configurationMetadataStatesTheEnginesHealthDefaults() throws Exception {
    JsonNode metadata;
    try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      metadata = new ObjectMapper().readTree(in);
    }
    Map<String, String> defaults = new java.util.TreeMap<>();
    metadata.get("properties").valueStream().filter(p -> p.has("defaultValue"))
        .forEach(p -> defaults.put(p.get("name").asString(), p.get("defaultValue").asString()));
    assertThat(defaults).containsEntry("breakglass.health.interval", "1s")
        .containsEntry("breakglass.health.timeout", "1s")
        .containsEntry("breakglass.health.fall", "3")
        .containsEntry("breakglass.health.rise", "2")
        .containsEntry("breakglass.health.passive-fall", "3")
        .containsEntry("breakglass.health.passive-window", "10s")
        .containsEntry("breakglass.sweep-interval", "1s");
    BreakGlassProperties.Health health = new BreakGlassProperties().getHealth();
    assertThat(health.getInterval()).isEqualTo(java.time.Duration.ofSeconds(1));
    assertThat(health.getTimeout()).isEqualTo(java.time.Duration.ofSeconds(1));
  }

  @Test
  void badHealthSettingsNameTheirFullKey() {
    configured().withPropertyValues("breakglass.health.fall=0").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("breakglass.health.fall")
            .hasMessageContaining("at least 1"));
    configured().withPropertyValues("breakglass.health.timeout=0s").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("breakglass.health.timeout"));
    configured().withPropertyValues("breakglass.properties.health.rise=0").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("'health.rise'"));
    configured().withPropertyValues("breakglass.properties.health.rise=0").run(context ->
        assertThat(context).getFailure().hasMessageContaining("breakglass.properties.<key>"));
  }
}

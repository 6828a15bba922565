package dev.breakglass.spring.boot;

import dev.breakglass.BreakGlass;
import dev.breakglass.PolicyException;
import dev.breakglass.ProviderException;
import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.EngineMetrics;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.CredentialRotator;
import dev.breakglass.spi.CredentialVault;
import dev.breakglass.spi.GrantStore;
import dev.breakglass.spi.HealthProbe;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.Resource;

/**
 * Builds the {@link BreakGlass} bean from the {@code breakglass.*} properties
 * ({@link BreakGlassProperties}), with the application's {@link HealthProbe}, {@link AlertChannel},
 * {@link CredentialRotator}, {@link CredentialVault} and {@link GrantStore} beans, and closes it on
 * shutdown. The engine reports to an {@link EngineMetrics} bean: every durable audit record becomes a
 * {@link BreakGlassAuditEvent} and feeds the metrics.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "breakglass.enabled", matchIfMissing = true)
@EnableConfigurationProperties(BreakGlassProperties.class)
public class BreakGlassAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(BreakGlassAutoConfiguration.class);

  /** Publishes every durable audit record as a {@link BreakGlassAuditEvent}. */
  @Bean
  @ConditionalOnMissingBean
  public BreakGlassAuditObservers breakGlassAuditObservers(ApplicationEventPublisher publisher) {
    BreakGlassAuditObservers observers = new BreakGlassAuditObservers();
    observers.add((event, nanos) -> publisher.publishEvent(new BreakGlassAuditEvent(BreakGlass.class, event)));
    return observers;
  }

  /**
   * What the engine tells the metrics and the actuator. An application that builds its own
   * {@code BreakGlass} bean passes this one to its builder ({@code .metrics(engineMetrics)}) to keep
   * the events, metrics and tainted accounts.
   */
  @Bean
  @ConditionalOnMissingBean
  public EngineMetrics breakGlassEngineMetrics(BreakGlassAuditObservers observers) {
    return new EngineMetrics().onAuditAppend(observers);
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public BreakGlass breakGlass(BreakGlassProperties properties, EngineMetrics metrics,
      ObjectProvider<HealthProbe> probes, ObjectProvider<AlertChannel> channels,
      ObjectProvider<CredentialRotator> rotators, ObjectProvider<CredentialVault> vault,
      ObjectProvider<GrantStore> grantStore, ObjectProvider<BreakGlassBuilderCustomizer> customizers) {
    properties.validate();
    Path data = properties.getDataDirectory();
    if (data == null) {
      throw new IllegalStateException("breakglass.data-directory is not set: name the directory where the"
          + " engine keeps its audit log, keys and vault (or set breakglass.enabled=false)");
    }
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new UncheckedIOException("breakglass.data-directory " + data + " cannot be created: " + e.getMessage(), e);
    }
    BreakGlassProperties.Health health = properties.getHealth();
    BreakGlassEngine.Builder builder = BreakGlassEngine.builder()
        .policyFile(policyFile(properties.getPolicy(), data))
        .dataDirectory(data)
        .healthCheckInterval(health.getInterval())
        .fallThreshold(health.getFall())
        .riseThreshold(health.getRise())
        .passiveFallThreshold(health.getPassiveFall())
        .passiveWindow(health.getPassiveWindow())
        .property("health.timeout", health.getTimeout().toString())
        .sweepInterval(properties.getSweepInterval())
        .metrics(metrics);
    // The console's relying party configures the engine's WebAuthn verifier and alert links;
    // breakglass.properties.* (the engine's own keys) override them, as they override breakglass.health.*
    BreakGlassConsoleAutoConfiguration.engineProperties(properties.getConsole()).forEach(builder::property);
    properties.getProperties().forEach(builder::property);
    probes.orderedStream().forEach(builder::healthProbe);
    channels.orderedStream().forEach(builder::alertChannel);
    rotators.orderedStream().forEach(builder::rotator);
    vault.ifUnique(builder::vault);
    grantStore.ifUnique(builder::grantStore);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    BreakGlass breakGlass;
    try {
      breakGlass = builder.build();
    } catch (ProviderException e) {
      // The engine names its own keys ('probe.oidc.timeout'); in application.yml they sit under breakglass.properties.
      throw new ProviderException(e.provider(), e.getMessage() + " (in Spring configuration, the engine's"
          + " properties are breakglass.properties.<key>)", e);
    }
    LOG.info("breakglass ready: data directory {}, {} break-glass accounts, emergency {}", data,
        breakGlass.policy().accounts().size(), breakGlass.emergencyState().isEmergency() ? "OPEN" : "closed");
    return breakGlass;
  }

  /** A policy on the file system is read in place; one inside a jar is copied into the data directory. */
  static Path policyFile(@Nullable Resource policy, Path data) {
    if (policy == null) {
      throw new PolicyException("breakglass.policy is not set: name the policy file, for example"
          + " classpath:breakglass-policy.yaml or file:/etc/myapp/breakglass-policy.yaml");
    }
    if (!policy.exists()) {
      throw new PolicyException("breakglass.policy " + policy.getDescription() + " does not exist");
    }
    try {
      if (policy.isFile()) {
        return policy.getFile().toPath();
      }
      String name = String.valueOf(policy.getFilename()).toLowerCase(Locale.ROOT);
      String extension = name.endsWith(".json") ? ".json" : name.endsWith(".yml") ? ".yml" : ".yaml";
      Path copy = data.resolve("policy" + extension);
      try (InputStream in = policy.getInputStream()) {
        Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      }
      return copy;
    } catch (IOException e) {
      throw new PolicyException("breakglass.policy " + policy.getDescription() + " cannot be read: " + e.getMessage());
    }
  }
}

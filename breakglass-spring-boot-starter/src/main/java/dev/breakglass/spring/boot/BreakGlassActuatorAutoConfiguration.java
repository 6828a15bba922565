package dev.breakglass.spring.boot;

import dev.breakglass.BreakGlass;
import dev.breakglass.core.EngineMetrics;
import dev.breakglass.spring.boot.actuate.BreakGlassEndpoint;
import dev.breakglass.spring.boot.actuate.BreakGlassHealthIndicator;
import dev.breakglass.spring.boot.actuate.BreakGlassMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The actuator side: the {@code breakglass} health indicator, the {@code breakglass} endpoint and the
 * Micrometer metrics, each only when its library is present.
 */
@AutoConfiguration(after = BreakGlassAutoConfiguration.class)
@ConditionalOnBean(BreakGlass.class)
public class BreakGlassActuatorAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnEnabledHealthIndicator("breakglass")
  static class HealthConfiguration {
    /** Named so that the health component is {@code breakglass}, like the endpoint and the properties. */
    @Bean
    @ConditionalOnMissingBean(name = "breakglassHealthIndicator")
    BreakGlassHealthIndicator breakglassHealthIndicator(BreakGlass breakGlass) {
      return new BreakGlassHealthIndicator(breakGlass);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  @ConditionalOnAvailableEndpoint(BreakGlassEndpoint.class)
  static class EndpointConfiguration {
    @Bean
    @ConditionalOnMissingBean
    BreakGlassEndpoint breakGlassEndpoint(BreakGlass breakGlass, EngineMetrics engine) {
      return new BreakGlassEndpoint(breakGlass, engine);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class MetricsConfiguration {
    @Bean
    @ConditionalOnMissingBean
    BreakGlassMetrics breakGlassMetrics(BreakGlass breakGlass, EngineMetrics engine,
        BreakGlassAuditObservers observers) {
      BreakGlassMetrics metrics = new BreakGlassMetrics(breakGlass, engine);
      observers.add(metrics);
      return metrics;
    }
  }
}

package dev.breakglass.spring.boot;

import dev.breakglass.core.BreakGlassEngine;

/**
 * Adjusts the engine builder after the starter has applied the {@code breakglass.*} properties and
 * the SPI beans, just before {@code build()}: for settings that have no property (a clock, a
 * rotation backoff, ephemeral-credential parameters). Beans of this type run in {@code @Order}.
 */
@FunctionalInterface
public interface BreakGlassBuilderCustomizer {
  void customize(BreakGlassEngine.Builder builder);
}

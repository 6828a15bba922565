package dev.breakglass.core;

import dev.breakglass.spi.ProviderContext;
import java.time.Duration;
import java.util.List;

/**
 * The engine's health-check settings: probe rounds to fall and to rise, passive failures within
 * their window, and the interval between probe rounds.
 */
record HealthSettings(int fall, int rise, int passiveFall, Duration interval, Duration passiveWindow) {

  /**
   * These settings overridden by the {@code health.*} properties ({@code health.fall},
   * {@code health.rise}, {@code health.passive-fall}, {@code health.interval},
   * {@code health.passive-window}); a count below 1 or a duration that is not positive is refused
   * with the full property key.
   */
  HealthSettings overriddenBy(ProviderContext health) {
    int fallRounds = health.integer("fall", fall);
    int riseRounds = health.integer("rise", rise);
    int passiveFalls = health.integer("passive-fall", passiveFall);
    for (String key : List.of("fall", "rise", "passive-fall")) {
      if (health.integer(key, 1) < 1) {
        throw health.problem(key, "must be at least 1, was '" + health.get(key).orElse("") + "'");
      }
    }
    return new HealthSettings(fallRounds, riseRounds, passiveFalls, health.positiveDuration("interval", interval),
        health.positiveDuration("passive-window", passiveWindow));
  }
}

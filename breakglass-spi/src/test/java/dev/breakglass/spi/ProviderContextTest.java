package dev.breakglass.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakglass.ProviderException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderContextTest {
  final ProviderContext ctx = new ProviderContext("webhook",
      Map.of("timeout", "250ms", "retries", "x", "url", "  "), Clock.systemUTC(), Path.of("."));

  @Test
  void parsesSimpleAndIsoDurations() {
    assertThat(ProviderContext.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(ProviderContext.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(ProviderContext.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(ProviderContext.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(ProviderContext.parseDuration("PT90S")).isEqualTo(Duration.ofSeconds(90));
    assertThat(ctx.duration("timeout", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void badDurationNamesTheValue() {
    assertThatThrownBy(() -> ProviderContext.parseDuration("5 minutes"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'5 minutes' is not a duration");
    assertThatThrownBy(() -> ProviderContext.parseDuration("m")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void durationTooLargeForADurationIsABadValueNotAnArithmeticError() {
    assertThatThrownBy(() -> ProviderContext.parseDuration("999999999999999d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'999999999999999d' is not a duration");
  }

  @Test
  void missingOrBlankRequiredPropertyNamesProviderAndKey() {
    assertThatThrownBy(() -> ctx.require("url"))
        .isInstanceOf(ProviderException.class)
        .hasMessage("provider 'webhook' needs the property 'url'");
  }

  @Test
  void nonIntegerNamesTheKey() {
    assertThatThrownBy(() -> ctx.integer("retries", 3)).hasMessageContaining("property 'retries': must be an integer, was 'x'");
    assertThat(ctx.integer("absent", 3)).isEqualTo(3);
  }
}

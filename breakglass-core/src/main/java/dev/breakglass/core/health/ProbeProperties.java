package dev.breakglass.core.health;

import dev.breakglass.ProviderException;
import dev.breakglass.core.text.SafeText;
import dev.breakglass.spi.ProviderContext;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** Reading probe provider properties, with errors that name the provider, the property and the value. */
final class ProbeProperties {
  private ProbeProperties() {}

  static Duration positiveDuration(ProviderContext context, String key, Duration defaultValue) {
    Duration d = context.duration(key, defaultValue);
    if (d.isZero() || d.isNegative()) {
      throw new ProviderException(context.providerName(),
          "provider '" + context.providerName() + "' property '" + key + "' must be positive, was " + d);
    }
    return d;
  }

  static boolean bool(ProviderContext context, String key, boolean defaultValue) {
    Optional<String> raw = context.get(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new ProviderException(context.providerName(), "provider '" + context.providerName() + "' property '"
            + key + "' must be true or false, was '" + SafeText.printable(raw.get(), 40) + "'");
    }
  }
}

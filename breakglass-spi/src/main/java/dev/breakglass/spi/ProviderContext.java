package dev.breakglass.spi;

import dev.breakglass.ProviderException;
import java.nio.file.Path;
import java.util.function.Function;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a {@link Provider} gets to build its component: its own configuration properties (with the
 * provider prefix removed), the engine's clock and its data directory. Immutable.
 */
public final class ProviderContext {
  private final String providerName;
  private final Map<String, String> properties;
  private final Clock clock;
  private final Path dataDirectory;
  private final Function<String, String> environment;

  public ProviderContext(String providerName, Map<String, String> properties, Clock clock, Path dataDirectory) {
    this(providerName, properties, clock, dataDirectory, System::getenv);
  }

  /**
   * Like the four-argument constructor, with the process environment replaced by {@code environment}
   * (which returns {@code null} for an unset variable), for {@link #secret} in tests and embedders.
   */
  public ProviderContext(String providerName, Map<String, String> properties, Clock clock, Path dataDirectory,
      Function<String, String> environment) {
    this.providerName = Objects.requireNonNull(providerName, "providerName");
    this.properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** The name of the provider being created (for messages). */
  public String providerName() {
    return providerName;
  }

  /** All properties for this provider; unmodifiable. */
  public Map<String, String> properties() {
    return properties;
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(properties.get(key)).map(String::strip).filter(s -> !s.isEmpty());
  }

  /** @throws ProviderException naming the missing key */
  public String require(String key) {
    return get(key).orElseThrow(() -> new ProviderException(providerName,
        "provider '" + providerName + "' needs the property '" + key + "'"));
  }

  /** A duration in ISO-8601 ({@code PT30S}) or simple form ({@code 30s}, {@code 5m}, {@code 2h}, {@code 250ms}). */
  public Duration duration(String key, Duration defaultValue) {
    Optional<String> raw = get(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      return parseDuration(raw.get());
    } catch (IllegalArgumentException e) {
      throw new ProviderException(providerName,
          "provider '" + providerName + "' property '" + key + "': " + e.getMessage());
    }
  }

  public int integer(String key, int defaultValue) {
    Optional<String> raw = get(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(raw.get());
    } catch (NumberFormatException e) {
      throw new ProviderException(providerName,
          "provider '" + providerName + "' property '" + key + "' must be an integer, was '" + raw.get() + "'");
    }
  }

  /**
   * Reads a secret (a password, an HMAC key) that must never sit in clear text in the properties:
   * {@code KEY-env} names an environment variable that holds it, {@code KEY-file} a file whose
   * content (UTF-8, trailing line breaks removed) is the secret. The caller owns the returned array
   * and must wipe it after use.
   *
   * @return empty if neither property is set
   * @throws ProviderException if {@code KEY} itself is set (clear text), both forms are set, the
   *     variable is unset or empty, or the file cannot be read or is empty; the message names the
   *     property, variable or file, never the secret
   */
  public Optional<char[]> secret(String key) {
    if (get(key).isPresent()) {
      throw new ProviderException(providerName, "provider '" + providerName + "' property '" + key
          + "' would hold a secret in clear text; use '" + key + "-env' (an environment variable) or '"
          + key + "-file' (a file) instead");
    }
    Optional<String> env = get(key + "-env");
    Optional<String> file = get(key + "-file");
    if (env.isPresent() && file.isPresent()) {
      throw new ProviderException(providerName, "provider '" + providerName + "' has both '" + key
          + "-env' and '" + key + "-file'; set only one");
    }
    if (env.isPresent()) {
      String value = environment.apply(env.get());
      if (value == null || value.isEmpty()) {
        throw new ProviderException(providerName, "provider '" + providerName + "' property '" + key
            + "-env': environment variable '" + env.get() + "' is not set or empty");
      }
      return Optional.of(value.toCharArray());
    }
    if (file.isPresent()) {
      return Optional.of(readSecretFile(key, Path.of(file.get())));
    }
    return Optional.empty();
  }

  private char[] readSecretFile(String key, Path path) {
    try {
      return SecretFiles.read(path, "secret");
    } catch (IllegalArgumentException e) {
      throw new ProviderException(providerName, "provider '" + providerName + "' property '" + key + "-file': "
          + e.getMessage());
    }
  }

  public Clock clock() {
    return clock;
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /**
   * Parses {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT5M}).
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public static Duration parseDuration(String text) {
    String s = text.strip();
    try {
      if (s.startsWith("P") || s.startsWith("p")) {
        return Duration.parse(s);
      }
      int split = 0;
      while (split < s.length() && Character.isDigit(s.charAt(split))) {
        split++;
      }
      if (split == 0 || split == s.length()) {
        throw new IllegalArgumentException(badDuration(text));
      }
      long n = Long.parseLong(s.substring(0, split));
      switch (s.substring(split)) {
        case "ms": return Duration.ofMillis(n);
        case "s": return Duration.ofSeconds(n);
        case "m": return Duration.ofMinutes(n);
        case "h": return Duration.ofHours(n);
        case "d": return Duration.ofDays(n);
        default: throw new IllegalArgumentException(badDuration(text));
      }
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
      // ArithmeticException: a count of days or hours too large for a Duration
      throw new IllegalArgumentException(badDuration(text), e);
    }
  }

  private static String badDuration(String text) {
    return "'" + text + "' is not a duration (use 250ms, 30s, 5m, 2h, 1d or ISO-8601 like PT5M)";
  }
}

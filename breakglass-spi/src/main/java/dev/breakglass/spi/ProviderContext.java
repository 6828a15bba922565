package dev.breakglass.spi;

import dev.breakglass.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a {@link Provider} gets to build its component: its own configuration properties (with the
 * provider prefix removed), the engine's clock and its data directory, and typed readers for the
 * properties so every provider reads and reports them the same way. Immutable.
 *
 * <h2>Reading properties</h2>
 * <pre>{@code
 * URI issuer = URI.create(context.require("issuer"));
 * Duration timeout = context.positiveDuration("timeout", Duration.ofSeconds(5));
 * boolean insecure = context.bool("allow-http", false);
 * Optional<SSLContext> tls = context.trustedCertificates("trust-certificates");
 * char[] key = context.requireSecret("hmac-key", "the HMAC key");   // hmac-key-env or hmac-key-file
 * }</pre>
 *
 * <h2>Errors</h2>
 * Every reader throws a {@link ProviderException} worded by {@link #problem}: {@code provider 'oidc'
 * property 'probe.oidc.timeout': must be a positive duration, was '0s'}. The key is the full
 * configuration key ({@link #fullKey}), the one the operator has to fix; a provider's own checks
 * should use {@link #problem} too.
 *
 * <h2>Files</h2>
 * Relative file names in properties ({@code *-file}, {@code trust-certificates}) are resolved in
 * the {@linkplain #dataDirectory() data directory}. Secret files must be owner-only (see {@link
 * SecretFiles}).
 */
public final class ProviderContext {
  private final String providerName;
  private final Map<String, String> properties;
  private final Clock clock;
  private final Path dataDirectory;
  private final Function<String, String> environment;
  private final String keyPrefix;

  /**
   * A context whose keys are reported as given (no prefix); see {@link #withKeyPrefix}. Secrets
   * named by {@code KEY-env} are read from the process environment. The engine creates contexts;
   * tests of a provider create one directly:
   *
   * <pre>{@code
   * ProviderContext context = new ProviderContext("oidc",
   *     Map.of("issuer", "https://login.example.com"), Clock.systemUTC(), tempDir);
   * }</pre>
   *
   * @param providerName the provider's name, used in every message
   * @param properties the provider's own properties, prefix removed; copied
   * @param clock the engine's clock
   * @param dataDirectory where relative file names are resolved
   * @throws NullPointerException if an argument is null
   */
  public ProviderContext(String providerName, Map<String, String> properties, Clock clock, Path dataDirectory) {
    this(providerName, properties, clock, dataDirectory, System::getenv);
  }

  /**
   * Like the four-argument constructor, with the process environment replaced by {@code environment}
   * (which returns {@code null} for an unset variable), for {@link #secret} in tests and embedders.
   *
   * @param providerName the provider's name, used in every message
   * @param properties the provider's own properties, prefix removed; copied
   * @param clock the engine's clock
   * @param dataDirectory where relative file names are resolved
   * @param environment looks up an environment variable by name; {@code null} when unset
   * @throws NullPointerException if an argument is null
   */
  public ProviderContext(String providerName, Map<String, String> properties, Clock clock, Path dataDirectory,
      Function<String, String> environment) {
    this(providerName, properties, clock, dataDirectory, environment, "");
  }

  private ProviderContext(String providerName, Map<String, String> properties, Clock clock, Path dataDirectory,
      Function<String, String> environment, String keyPrefix) {
    this.providerName = Objects.requireNonNull(providerName, "providerName");
    this.properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
    this.environment = Objects.requireNonNull(environment, "environment");
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
  }

  /**
   * A copy whose messages name keys as the operator wrote them: {@code prefix} is what the engine
   * removed from the configuration keys, e.g. {@code probe.oidc.}.
   *
   * @param prefix the removed prefix, including its trailing dot
   * @return a new context with the same properties, clock, directory and environment
   */
  public ProviderContext withKeyPrefix(String prefix) {
    return new ProviderContext(providerName, properties, clock, dataDirectory, environment, prefix);
  }

  /**
   * The name of the provider being created (for messages).
   *
   * @return the provider name
   */
  public String providerName() {
    return providerName;
  }

  /**
   * All properties for this provider, for providers that accept open-ended keys. Prefer the typed
   * readers for known keys.
   *
   * @return the properties, keys without the provider prefix; unmodifiable and sorted
   */
  public Map<String, String> properties() {
    return properties;
  }

  /**
   * The configuration key the operator wrote for {@code key}: {@code probe.oidc.issuer} for {@code issuer}.
   *
   * @param key a key as this provider reads it
   * @return the key with the provider prefix
   */
  public String fullKey(String key) {
    return keyPrefix + key;
  }

  /**
   * The error for a bad property: {@code provider 'x' property '<full key>': <what>}. Throw it:
   *
   * <pre>{@code
   * if (!issuer.getScheme().equals("https")) {
   *   throw context.problem("issuer", "must be an https URL, was '" + issuer + "'");
   * }
   * }</pre>
   *
   * @param key the property to blame, as this provider reads it
   * @param what what is wrong, naming the bad value ("must be an https URL, was 'http://a'")
   * @return the exception, for the caller to throw
   */
  public ProviderException problem(String key, String what) {
    return new ProviderException(providerName, "provider '" + providerName + "' property '" + fullKey(key) + "': "
        + what);
  }

  /**
   * The error for a configuration that is wrong as a whole (no single property to blame): {@code
   * provider 'x': <what>}. Throw it.
   *
   * @param what what is wrong and how to fix it
   * @return the exception, for the caller to throw
   */
  public ProviderException problem(String what) {
    return new ProviderException(providerName, "provider '" + providerName + "': " + what);
  }

  /**
   * Like {@link #problem(String, String)}, keeping {@code cause}.
   *
   * @param key the property to blame
   * @param what what is wrong
   * @param cause the underlying failure
   * @return the exception, for the caller to throw
   */
  public ProviderException problem(String key, String what, Throwable cause) {
    return new ProviderException(providerName, "provider '" + providerName + "' property '" + fullKey(key) + "': "
        + what, cause);
  }

  /**
   * The value of an optional property.
   *
   * @param key the property, without the provider prefix
   * @return the stripped value, or empty if it is unset or blank
   */
  public Optional<String> get(String key) {
    return Optional.ofNullable(properties.get(key)).map(String::strip).filter(s -> !s.isEmpty());
  }

  /**
   * The value of a property the provider cannot work without.
   *
   * @param key the property, without the provider prefix
   * @return the stripped, non-blank value
   * @throws ProviderException naming the missing key
   */
  public String require(String key) {
    return get(key).orElseThrow(() -> new ProviderException(providerName,
        "provider '" + providerName + "' needs the property '" + fullKey(key) + "'"));
  }

  /**
   * {@code true} or {@code false} (any case), or {@code defaultValue} if unset.
   *
   * @param key the property
   * @param defaultValue the value when the property is unset or blank
   * @return the parsed value
   * @throws ProviderException for any other value ({@code yes}, {@code 1} are refused, not guessed)
   */
  public boolean bool(String key, boolean defaultValue) {
    Optional<String> raw = get(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw problem(key, "must be true or false, was " + quoted(raw.get()));
    }
  }

  /**
   * A duration in ISO-8601 ({@code PT30S}) or simple form ({@code 30s}, {@code 5m}, {@code 2h},
   * {@code 250ms}), or {@code defaultValue} if unset. Zero and negative values are allowed; see
   * {@link #positiveDuration}.
   *
   * @param key the property
   * @param defaultValue the value when the property is unset or blank
   * @return the parsed duration
   * @throws ProviderException naming the key and the value if it does not parse
   */
  public Duration duration(String key, Duration defaultValue) {
    Optional<String> raw = get(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      return parseDuration(raw.get());
    } catch (IllegalArgumentException e) {
      throw problem(key, e.getMessage());
    }
  }

  /**
   * Like {@link #duration}, refusing zero and negative values (timeouts, intervals).
   *
   * @param key the property
   * @param defaultValue the value when the property is unset or blank (not checked)
   * @return the parsed, positive duration
   * @throws ProviderException naming the key and the value
   */
  public Duration positiveDuration(String key, Duration defaultValue) {
    Duration d = duration(key, defaultValue);
    if (get(key).isPresent() && (d.isZero() || d.isNegative())) {
      throw problem(key, "must be a positive duration, was " + quoted(get(key).get()));
    }
    return d;
  }

  /**
   * A decimal integer, or {@code defaultValue} if unset. Range checks are the provider's: report
   * them with {@link #problem(String, String)}.
   *
   * @param key the property
   * @param defaultValue the value when the property is unset or blank
   * @return the parsed integer
   * @throws ProviderException naming the key and the value if it is not an integer
   */
  public int integer(String key, int defaultValue) {
    Optional<String> raw = get(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(raw.get());
    } catch (NumberFormatException e) {
      throw problem(key, "must be an integer, was " + quoted(raw.get()));
    }
  }

  /**
   * The constant of {@code type} named by {@code key} (any case, {@code -} for {@code _}), or
   * {@code defaultValue} if unset. For example {@code mode: read-only} selects {@code Mode.READ_ONLY}.
   *
   * @param <E> the enum type
   * @param key the property
   * @param type the enum class
   * @param defaultValue the value when the property is unset or blank
   * @return the selected constant
   * @throws ProviderException listing the allowed values
   */
  public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
    Optional<String> raw = get(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    String wanted = raw.get().toUpperCase(Locale.ROOT).replace('-', '_');
    StringJoiner allowed = new StringJoiner(", ");
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(wanted)) {
        return e;
      }
      allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw problem(key, "must be one of " + allowed + ", was " + quoted(raw.get()));
  }

  /**
   * The file named by {@code key}, resolved in the data directory if relative. The file need not exist.
   *
   * @param key the property
   * @return the resolved path, or empty if unset
   */
  public Optional<Path> path(String key) {
    return get(key).map(dataDirectory::resolve);
  }

  /**
   * A TLS context that trusts exactly the certificates (or CAs) in the PEM file named by {@code
   * key}, for a server with a private certificate; empty if {@code key} is unset (use the JDK's
   * trust store then).
   *
   * @param key the property naming the PEM file
   * @return the TLS context, or empty if the property is unset
   * @throws ProviderException naming the key and the file if it cannot be read, holds no
   *     certificate or is not PEM
   */
  public Optional<SSLContext> trustedCertificates(String key) {
    Optional<Path> pem = path(key);
    if (pem.isEmpty()) {
      return Optional.empty();
    }
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(pem.get())) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | GeneralSecurityException e) {
      throw problem(key, "cannot read certificates from " + pem.get() + " (" + e.getClass().getSimpleName() + ")", e);
    }
    if (certs.isEmpty()) {
      throw problem(key, pem.get() + " holds no certificate");
    }
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        trust.setCertificateEntry("trusted-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return Optional.of(ssl);
    } catch (IOException | GeneralSecurityException e) {
      throw problem(key, "cannot trust the certificates in " + pem.get() + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * Reads a secret (a password, an HMAC key) that must never sit in clear text in the properties:
   * {@code KEY-env} names an environment variable that holds it, {@code KEY-file} an owner-only
   * file (relative names are resolved in the data directory) whose content (UTF-8, trailing line
   * breaks removed) is the secret. The caller owns the returned array and must wipe it after use.
   *
   * @param key the base name of the secret, without {@code -env} or {@code -file}
   * @return the secret, or empty if neither property is set
   * @throws ProviderException if {@code KEY} itself is set (clear text), both forms are set, the
   *     variable is unset or empty, or the file cannot be read, is empty or may be read by other
   *     users; the message names the property, variable or file, never the secret
   */
  public Optional<char[]> secret(String key) {
    if (get(key).isPresent()) {
      throw problem(key, "would hold a secret in clear text; use '" + fullKey(key) + "-env' (an environment"
          + " variable) or '" + fullKey(key) + "-file' (a file) instead");
    }
    Optional<String> env = get(key + "-env");
    Optional<Path> file = path(key + "-file");
    if (env.isPresent() && file.isPresent()) {
      throw new ProviderException(providerName, "provider '" + providerName + "' has both '" + fullKey(key)
          + "-env' and '" + fullKey(key) + "-file'; set only one");
    }
    if (env.isPresent()) {
      String value = environment.apply(env.get());
      if (value == null || value.isEmpty()) {
        throw problem(key + "-env", "environment variable '" + env.get() + "' is not set or empty");
      }
      return Optional.of(value.toCharArray());
    }
    if (file.isPresent()) {
      try {
        return Optional.of(SecretFiles.read(file.get(), "secret"));
      } catch (IllegalArgumentException e) {
        throw problem(key + "-file", e.getMessage());
      }
    }
    return Optional.empty();
  }

  /**
   * Like {@link #secret}, for a secret the provider cannot work without.
   *
   * @param key the base name of the secret, without {@code -env} or {@code -file}
   * @param what what the secret is, for the message ("the user PIN")
   * @return the secret; the caller must wipe it after use
   * @throws ProviderException naming both properties if neither is set, or as {@link #secret}
   */
  public char[] requireSecret(String key, String what) {
    return secret(key).orElseThrow(() -> new ProviderException(providerName, "provider '" + providerName
        + "' needs '" + fullKey(key) + "-env' (an environment variable holding " + what + ") or '" + fullKey(key)
        + "-file' (a file holding it)"));
  }

  /**
   * The engine's clock; components read time only from it.
   *
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  /**
   * The engine's data directory; create files in it through {@link dev.breakglass.spi.files.DurableFiles}.
   *
   * @return the data directory
   */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /**
   * Parses {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT5M}).
   *
   * @param text the duration text; surrounding blanks are ignored
   * @return the duration
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

  /**
   * A configuration value as it may appear in a message: quoted, at most 60 characters, control and
   * invisible format characters shown as {@code \\uXXXX} so a value cannot forge log lines.
   */
  static String quoted(String value) {
    StringBuilder out = new StringBuilder("'");
    int limit = Math.min(value.length(), 60);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      int type = Character.getType(c);
      if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append(value.length() > limit ? "'…" : "'").toString();
  }

  private static String badDuration(String text) {
    return quoted(text) + " is not a duration (use 250ms, 30s, 5m, 2h, 1d or ISO-8601 like PT5M)";
  }
}

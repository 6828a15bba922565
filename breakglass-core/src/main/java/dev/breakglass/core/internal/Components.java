package dev.breakglass.core.internal;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.Provider;
import dev.breakglass.spi.ProviderContext;
import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns configuration properties into components while the engine is built, and remembers what it
 * created so that a failed build closes it again. Property scheme: a selector names the provider
 * ({@code vault=file}, {@code grant-store=memory}, {@code alert.channels=webhook,syslog},
 * {@code probes=oidc}, {@code rotators=vault}, {@code witness=directory}); a provider's own settings
 * sit under {@code <kind>.<name>.} ({@code vault.file.path}, {@code probe.oidc.issuer}).
 */
public final class Components {
  private static final Logger LOG = LoggerFactory.getLogger(Components.class);
  private static final Map<String, String> LIST_SELECTORS = Map.of("probes", "probe", "rotators", "rotator",
      "approval-signatures", "approval-signature", "witness", "witness");
  /** Whether signed audit checkpoints also go out as INFO alerts (default true); see {@code AuditTrust}. */
  public static final String WITNESS_ALERTS = "witness.alerts";
  /** Settings of the alert outbox itself (see {@code AlertDispatchers}). */
  private static final Set<String> ALERT_SETTINGS = Set.of("alert.channels", "alert.outbox.directory",
      "alert.retry.max-attempts", "alert.retry.initial-backoff", "alert.retry.max-backoff", "alert.retry.jitter",
      "alert.retry.give-up-after", "alert.confirmation-timeout", "alert.outbox.compaction-threshold",
      "alert.outbox.completed-retention", "alert.outbox.completed-limit",
      "alert.outbox.key-file", "alert.threads-per-channel", "alert.console-url");
  /** Health-check settings (see {@link #health}); {@code health.timeout} is every probe's default timeout. */
  private static final Set<String> HEALTH_SETTINGS = Set.of("health.interval", "health.timeout", "health.fall",
      "health.rise", "health.passive-fall", "health.passive-window");
  private static final Set<String> SINGLE_SELECTORS = Set.of("vault", "grant-store", "audit", "lease");
  /** What a single selector means when unset; {@link #single} callers pass the same names. */
  private static final Map<String, String> SINGLE_DEFAULTS = Map.of("vault", "file", "grant-store", "memory", "audit", "file", "lease", "local");

  private final Map<String, String> properties;
  private final Clock clock;
  private final @Nullable Path dataDirectory;
  private final List<AutoCloseable> owned = new ArrayList<>();

  public Components(Map<String, String> properties, Clock clock, @Nullable Path dataDirectory) {
    this.properties = properties;
    this.clock = clock;
    this.dataDirectory = dataDirectory;
  }

  /** Rejects properties that no selector or selected provider can use, naming them. */
  public void checkProperties() {
    List<String> prefixes = new ArrayList<>();
    for (String single : SINGLE_SELECTORS) {
      String chosen = properties.getOrDefault(single, SINGLE_DEFAULTS.get(single));
      if (chosen != null) {
        prefixes.add(single + "." + chosen.strip() + ".");
      }
    }
    for (Map.Entry<String, String> e : LIST_SELECTORS.entrySet()) {
      for (String name : names(e.getKey())) {
        prefixes.add(e.getValue() + "." + name + ".");
      }
    }
    for (String key : splitList(properties.getOrDefault("alert.channels", ""))) {
      prefixes.add("alert.channel." + key + ".");
    }
    Set<String> unknown = new TreeSet<>();
    for (String key : properties.keySet()) {
      if (SINGLE_SELECTORS.contains(key) || LIST_SELECTORS.containsKey(key) || ALERT_SETTINGS.contains(key)
          || HEALTH_SETTINGS.contains(key) || WITNESS_ALERTS.equals(key)) {
        continue;
      }
      if (prefixes.stream().noneMatch(key::startsWith)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ProviderException("configuration", "unknown or unused properties " + unknown
          + ": select a provider first (vault=..., grant-store=..., audit=..., probes=..., rotators=..., witness=...,"
          + " alert.channels=...)"
          + " and put its settings under <kind>.<name>.<setting> (alert channels: alert.channel.<key>.<setting>)");
    }
  }

  public <T> T own(T component) {
    if (component instanceof AutoCloseable) {
      owned.add((AutoCloseable) component);
    }
    return component;
  }

  public List<AutoCloseable> owned() {
    return List.copyOf(owned);
  }

  public Path dataDirectory(String purpose) {
    if (dataDirectory == null) {
      throw new ProviderException("configuration", "set dataDirectory(...) for " + purpose
          + ", or supply that component explicitly");
    }
    try {
      DurableFiles.createPrivateDirectories(dataDirectory);
    } catch (IOException e) {
      throw new ProviderException("configuration", "cannot create data directory " + dataDirectory + ": " + e, e);
    }
    return dataDirectory;
  }

  /** Whether a data directory was configured (durable defaults are chosen only then). */
  public boolean hasDataDirectory() {
    return dataDirectory != null;
  }

  /** The component named by {@code selector} (or {@code defaultName}). */
  public <T> T single(String selector, String defaultName, ProviderRegistry<? extends Provider<T>> registry) {
    String name = properties.getOrDefault(selector, defaultName).strip();
    return registry.create(selector, name, context(selector + "." + name + ".", name));
  }

  /** The components named, comma-separated, by {@code selector}. */
  public <T> List<T> list(String selector, String prefix, ProviderRegistry<? extends Provider<T>> registry) {
    List<T> out = new ArrayList<>();
    for (String name : names(selector)) {
      T component = registry.create(selector, name, context(prefix + "." + name + ".", name));
      out.add(own(component));
    }
    return out;
  }

  private List<String> names(String selector) {
    return splitList(properties.getOrDefault(selector, ""));
  }

  /** The non-blank, stripped items of a comma-separated list. */
  public static List<String> splitList(String raw) {
    List<String> out = new ArrayList<>();
    for (String n : raw.split(",")) {
      if (!n.isBlank()) {
        out.add(n.strip());
      }
    }
    return out;
  }

  private ProviderContext context(String prefix, String name) {
    Map<String, String> own = new LinkedHashMap<>();
    properties.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        own.put(k.substring(prefix.length()), v);
      }
    });
    if (prefix.startsWith("probe.") && !own.containsKey("timeout") && properties.containsKey("health.timeout")) {
      own.put("timeout", properties.get("health.timeout"));
    }
    Path dir = dataDirectory != null ? dataDirectory : Path.of("").toAbsolutePath();
    return new ProviderContext(name, own, clock, dir).withKeyPrefix(prefix);
  }

  /** The property {@code key}, if set. */
  public Optional<String> property(String key) {
    return Optional.ofNullable(properties.get(key));
  }

  /** The {@code health.*} settings, read with the full key in every error. */
  public ProviderContext health() {
    Map<String, String> own = new LinkedHashMap<>();
    properties.forEach((k, v) -> {
      if (HEALTH_SETTINGS.contains(k)) {
        own.put(k.substring("health.".length()), v);
      }
    });
    Path dir = dataDirectory != null ? dataDirectory : Path.of("").toAbsolutePath();
    return new ProviderContext("health", own, clock, dir).withKeyPrefix("health.");
  }

  /** Closes everything created so far, newest first; used when a build fails half-way. */
  public void closeQuietly() {
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} after a failed build: {}", owned.get(i).getClass().getSimpleName(), e.toString());
      }
    }
  }
}

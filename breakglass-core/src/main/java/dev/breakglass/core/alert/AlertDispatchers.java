package dev.breakglass.core.alert;

import dev.breakglass.ProviderException;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertChannelProvider;
import dev.breakglass.spi.ProviderContext;
import dev.breakglass.spi.Severity;
import dev.breakglass.core.alert.channel.Slf4jAlertChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds an {@link OutboxAlertDispatcher} from configuration properties, with channels created by
 * the {@link AlertChannelProvider}s found through {@link ServiceLoader}.
 *
 * <h2>Properties</h2>
 * <table>
 *   <caption>Dispatcher properties</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code alert.channels}</td><td>{@code slf4j}</td><td>comma-separated channel keys</td></tr>
 *   <tr><td>{@code alert.channel.KEY.provider}</td><td>{@code KEY}</td><td>the provider name:
 *       {@code slf4j}, {@code webhook}, {@code syslog}, {@code email} (breakglass-alert-email), or a
 *       third-party one</td></tr>
 *   <tr><td>{@code alert.channel.KEY.min-severity}</td><td>{@code info}</td><td>the channel gets
 *       alerts of this severity and above: {@code info}, {@code high}, {@code critical}</td></tr>
 *   <tr><td>{@code alert.channel.KEY.confirms}</td><td>the channel's own answer</td><td>whether its
 *       deliveries count as confirmation ({@code true}/{@code false})</td></tr>
 *   <tr><td>{@code alert.channel.KEY.*}</td><td></td><td>every other property is passed to the
 *       provider with the prefix removed (see each provider's documentation)</td></tr>
 *   <tr><td>{@code alert.outbox.directory}</td><td>{@code DATA/alert-outbox}</td><td>the outbox</td></tr>
 *   <tr><td>{@code alert.outbox.key-file}</td><td>{@code DATA/keys/alert-outbox.key}</td><td>the key
 *       that authenticates outbox lines (created owner-only if absent)</td></tr>
 *   <tr><td>{@code alert.retry.max-attempts}</td><td>{@code 20}</td><td>per channel per alert</td></tr>
 *   <tr><td>{@code alert.retry.initial-backoff}</td><td>{@code 1s}</td><td></td></tr>
 *   <tr><td>{@code alert.retry.max-backoff}</td><td>{@code 5m}</td><td></td></tr>
 *   <tr><td>{@code alert.retry.jitter}</td><td>{@code 0.5}</td><td>share of each delay randomized</td></tr>
 *   <tr><td>{@code alert.retry.give-up-after}</td><td>{@code 24h}</td><td>age at which retrying stops</td></tr>
 *   <tr><td>{@code alert.confirmation-timeout}</td><td>{@code 30s}</td><td>how long a dispatch future
 *       waits for a confirming channel</td></tr>
 *   <tr><td>{@code alert.outbox.compaction-threshold}</td><td>{@code 1048576}</td><td>bytes</td></tr>
 *   <tr><td>{@code alert.outbox.completed-retention}</td><td>{@code 24h}</td><td>how long completed ids
 *       are remembered</td></tr>
 *   <tr><td>{@code alert.outbox.completed-limit}</td><td>{@code 10000}</td><td>how many completed ids
 *       are remembered at most</td></tr>
 *   <tr><td>{@code alert.threads-per-channel}</td><td>{@code 2}</td><td></td></tr>
 * </table>
 *
 * <pre>{@code
 * alert.channels = log, pager
 * alert.channel.log.provider = slf4j
 * alert.channel.pager.provider = webhook
 * alert.channel.pager.format = pagerduty
 * alert.channel.pager.routing-key-file = /run/secrets/pagerduty-key
 * alert.channel.pager.min-severity = high
 * }</pre>
 *
 * <p>A provider that fails to load (a broken plugin jar) is skipped with a warning; asking for it by
 * name then fails with a message listing the providers that did load.
 */
public final class AlertDispatchers {
  private static final Logger LOG = LoggerFactory.getLogger(AlertDispatchers.class);
  private static final String PREFIX = "alert.";

  private AlertDispatchers() {}

  /**
   * A dispatcher builder configured from {@code properties} (all the engine's properties; only
   * {@code alert.*} keys are read), with channels from the thread's context class loader. Add the
   * listener and call {@link OutboxAlertDispatcher.Builder#build()}.
   *
   * @throws ProviderException naming the bad property or unknown provider; channels created before
   *     the error are closed
   */
  public static OutboxAlertDispatcher.Builder fromProperties(Map<String, String> properties, Clock clock,
      Path dataDirectory) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return fromProperties(properties, clock, dataDirectory, providers(
        loader != null ? loader : AlertDispatchers.class.getClassLoader()), System::getenv);
  }

  /**
   * Like {@link #fromProperties(Map, Clock, Path)} with the providers and the environment (for
   * {@code *-env} secrets) given explicitly.
   */
  public static OutboxAlertDispatcher.Builder fromProperties(Map<String, String> properties, Clock clock,
      Path dataDirectory, Map<String, AlertChannelProvider> providers, Function<String, String> environment) {
    Config c = new Config(properties);
    Path outboxDir = c.get("outbox.directory").map(Path::of).orElse(dataDirectory.resolve("alert-outbox"));
    OutboxAlertDispatcher.Builder b = OutboxAlertDispatcher.builder(outboxDir).clock(clock)
        .outboxKeyFile(c.get("outbox.key-file").map(Path::of)
            .orElse(dataDirectory.resolve("keys").resolve(OutboxSeal.KEY_FILE)));
    try {
      b.maxAttempts(c.integer("retry.max-attempts", 20))
          .backoff(c.duration("retry.initial-backoff", Duration.ofSeconds(1)),
              c.duration("retry.max-backoff", Duration.ofMinutes(5)))
          .jitter(c.decimal("retry.jitter", 0.5))
          .giveUpAfter(c.duration("retry.give-up-after", Duration.ofHours(24)))
          .confirmationTimeout(c.duration("confirmation-timeout", Duration.ofSeconds(30)))
          .compactionThreshold(c.integer("outbox.compaction-threshold", 1 << 20))
          .completedRetention(c.duration("outbox.completed-retention", Duration.ofHours(24)))
          .maxCompletedIds(c.integer("outbox.completed-limit", 10_000))
          .threadsPerChannel(c.integer("threads-per-channel", 2));
    } catch (IllegalArgumentException e) {
      throw new ProviderException("alert", "alert configuration: " + e.getMessage(), e);
    }
    List<String> keys = new ArrayList<>();
    for (String k : c.get("channels").orElse(Slf4jAlertChannel.NAME).split(",")) {
      if (!k.isBlank()) {
        keys.add(k.strip());
      }
    }
    if (keys.isEmpty()) {
      throw new ProviderException("alert", "property 'alert.channels' names no channel");
    }
    List<AlertChannel> created = new ArrayList<>();
    try {
      for (String key : keys) {
        String prefix = "channel." + key + ".";
        String providerName = c.get(prefix + "provider").orElse(key);
        AlertChannelProvider provider = providers.get(providerName);
        if (provider == null) {
          throw new ProviderException(providerName, "alert channel '" + key + "': no alert channel provider named '"
              + providerName + "' (found: " + String.join(", ", new TreeMap<>(providers).keySet())
              + "); add the jar that provides it, or fix 'alert." + prefix + "provider'");
        }
        Map<String, String> own = new TreeMap<>();
        c.properties.forEach((k, v) -> {
          if (k.startsWith(prefix)) {
            own.put(k.substring(prefix.length()), v);
          }
        });
        Severity minimum = severity(key, own.remove("min-severity"));
        String confirms = own.remove("confirms");
        own.remove("provider");
        AlertChannel channel = provider.create(new ProviderContext("alert." + prefix.substring(0, prefix.length() - 1),
            own, clock, dataDirectory, environment).withKeyPrefix("alert." + prefix));
        created.add(channel);
        boolean confirming = confirms == null ? channel.confirmsDelivery()
            : new ProviderContext("alert", Map.of("confirms", confirms), clock, dataDirectory)
                .withKeyPrefix("alert." + prefix).bool("confirms", false);
        b.channel(key, channel, minimum, confirming);
      }
    } catch (RuntimeException e) {
      for (AlertChannel ch : created) {
        try {
          ch.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof IllegalArgumentException) {
        throw new ProviderException("alert", "alert configuration: " + e.getMessage(), e);
      }
      throw e;
    }
    return b;
  }

  /**
   * The alert channel providers visible to {@code loader}, by name. A provider that cannot be loaded
   * is skipped with a warning; of two with one name, the first found wins.
   */
  public static Map<String, AlertChannelProvider> providers(ClassLoader loader) {
    Map<String, AlertChannelProvider> out = new LinkedHashMap<>();
    Iterator<AlertChannelProvider> it = ServiceLoader.load(AlertChannelProvider.class, loader).iterator();
    while (true) {
      AlertChannelProvider p;
      try {
        if (!it.hasNext()) {
          break;
        }
        p = it.next();
      } catch (ServiceConfigurationError e) {
        LOG.warn("skipping an alert channel provider that cannot be loaded: {}", e.getMessage());
        continue;
      }
      AlertChannelProvider previous = out.putIfAbsent(p.name(), p);
      if (previous != null) {
        LOG.warn("two alert channel providers are named '{}': using {}, ignoring {}", p.name(),
            previous.getClass().getName(), p.getClass().getName());
      }
    }
    return out;
  }

  private static Severity severity(String key, String raw) {
    if (raw == null || raw.isBlank()) {
      return Severity.INFO;
    }
    try {
      return Severity.valueOf(raw.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ProviderException("alert", "property 'alert.channel." + key + ".min-severity' must be info, high or"
          + " critical, was '" + raw + "'");
    }
  }

  /** The {@code alert.*} properties, prefix removed. */
  private static final class Config {
    final Map<String, String> properties = new TreeMap<>();

    Config(Map<String, String> all) {
      all.forEach((k, v) -> {
        if (k.startsWith(PREFIX) && v != null) {
          properties.put(k.substring(PREFIX.length()), v);
        }
      });
    }

    Optional<String> get(String key) {
      return Optional.ofNullable(properties.get(key)).map(String::strip).filter(s -> !s.isEmpty());
    }

    int integer(String key, int defaultValue) {
      Optional<String> raw = get(key);
      try {
        return raw.isEmpty() ? defaultValue : Integer.parseInt(raw.get());
      } catch (NumberFormatException e) {
        throw new ProviderException("alert", "property 'alert." + key + "' must be an integer, was '" + raw.get() + "'");
      }
    }

    double decimal(String key, double defaultValue) {
      Optional<String> raw = get(key);
      try {
        return raw.isEmpty() ? defaultValue : Double.parseDouble(raw.get());
      } catch (NumberFormatException e) {
        throw new ProviderException("alert", "property 'alert." + key + "' must be a number, was '" + raw.get() + "'");
      }
    }

    Duration duration(String key, Duration defaultValue) {
      Optional<String> raw = get(key);
      try {
        return raw.isEmpty() ? defaultValue : ProviderContext.parseDuration(raw.get());
      } catch (IllegalArgumentException e) {
        throw new ProviderException("alert", "property 'alert." + key + "': " + e.getMessage());
      }
    }
  }
}

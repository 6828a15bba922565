package dev.breakglass.core.internal;

import dev.breakglass.AuditEventType;
import dev.breakglass.AuditSink;
import dev.breakglass.AuditUnavailableException;
import dev.breakglass.ProviderException;
import dev.breakglass.core.alert.AlertDispatcher;
import dev.breakglass.core.audit.AlertCheckpointWitness;
import dev.breakglass.core.audit.AuditLogCorruptException;
import dev.breakglass.core.audit.TamperEvidentAuditLog;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.AuditSinkProvider;
import dev.breakglass.spi.CheckpointWitnessProvider;
import dev.breakglass.spi.Severity;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the engine anchors its audit log outside the data directory: the witnesses named by the
 * {@code witness} property, a copy of every checkpoint through the alert channels
 * ({@code witness.alerts}, on by default), and a CRITICAL {@link AuditEventType#AUDIT_LOG_REFUSED}
 * alert when the log fails its checks at start, sent through the configured channels before the
 * build fails.
 */
public final class AuditTrust {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrust.class);

  /** The sink a refusal's dispatcher audits deliveries to: there is no log to write to. */
  public static final AuditSink NO_LOG = event -> {
    throw new AuditUnavailableException("the audit log was refused at start; delivery of alert not recorded");
  };

  private AuditTrust() {}

  /** The witnesses named by {@code witness} (comma-separated), owned by {@code components}. */
  public static List<CheckpointWitness> witnesses(Components components) {
    return components.list("witness", "witness",
        ProviderRegistry.load("checkpoint witness", CheckpointWitnessProvider.class));
  }

  /**
   * Whether checkpoints also go out as INFO alerts: {@code witness.alerts}, {@code true} unless set
   * to {@code false}.
   *
   * @throws ProviderException for any other value
   */
  public static boolean alertCopies(Components components) {
    String raw = components.property(Components.WITNESS_ALERTS).map(String::strip).orElse("true");
    return switch (raw.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ProviderException("configuration", "property '" + Components.WITNESS_ALERTS
          + "' must be true or false, was '" + raw + "'");
    };
  }

  /** Sends every checkpoint of {@code audit} (if it is the embedded log) through {@code alerts} as well. */
  public static void copyCheckpointsToAlerts(AuditSink audit, AlertDispatcher alerts) {
    if (audit instanceof TamperEvidentAuditLog log) {
      log.addWitness(new AlertCheckpointWitness(alerts));
    }
  }

  /**
   * Raises the CRITICAL alert for a log refused at start, through a dispatcher made for it (its
   * deliveries cannot be audited), and logs it at ERROR. Waits until a confirming channel has
   * delivered it, every one has failed, or the confirmation timeout ({@code alert.confirmation-timeout})
   * has passed, then closes the dispatcher; an alert not yet delivered stays in the outbox and goes
   * out at the next start. A failure to alert is added to {@code refusal} as suppressed; the caller
   * throws it.
   */
  public static void alertRefused(AuditLogCorruptException refusal, Function<AuditSink, AlertDispatcher> dispatchers,
      Clock clock) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("record", Long.toString(refusal.recordIndex()));
    details.put("segment", refusal.segment());
    details.put("offset", Long.toString(refusal.byteOffset()));
    details.put("problem", refusal.problem());
    Alert alert = new Alert(UUID.randomUUID().toString(), clock.instant(), Severity.CRITICAL,
        AuditEventType.AUDIT_LOG_REFUSED, "the audit log failed its checks and breakglass refused to start: "
            + refusal.problem(), null, null, details);
    LOG.error("Audit log refused at start; breakglass does not start: {}", refusal.getMessage());
    try (AlertDispatcher alerts = dispatchers.apply(NO_LOG)) {
      alerts.dispatch(alert).handle((ok, failed) -> null).join();
    } catch (RuntimeException e) {
      refusal.addSuppressed(e);
    }
  }

  /**
   * The audit sink named by the property {@code audit} from an {@link AuditSinkProvider}, given
   * {@code witnesses}; {@code null} if the property is unset or {@code file} (the embedded log).
   */
  public static @org.jspecify.annotations.Nullable AuditSink configuredSink(Components components,
      List<CheckpointWitness> witnesses) {
    String name = components.property("audit").map(String::strip).orElse("file");
    if (name.equals("file")) {
      return null;
    }
    ProviderRegistry<AuditSinkProvider> registry = ProviderRegistry.load("audit sink", AuditSinkProvider.class);
    java.util.Optional<AuditSinkProvider> provider = registry.provider(name);
    if (provider.isEmpty()) {
      return components.single("audit", "file", registry);
    }
    AuditSinkProvider p = provider.get();
    dev.breakglass.spi.Provider<AuditSink> withWitnesses = new dev.breakglass.spi.Provider<>() {
      @Override
      public String name() {
        return p.name();
      }

      @Override
      public AuditSink create(dev.breakglass.spi.ProviderContext context) {
        return p.create(context, witnesses);
      }
    };
    return components.own(components.single("audit", "file", ProviderRegistry.of("audit sink", List.of(withWitnesses))));
  }
}

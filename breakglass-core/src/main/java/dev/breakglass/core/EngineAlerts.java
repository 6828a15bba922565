package dev.breakglass.core;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.AuditSink;
import dev.breakglass.core.alert.AlertDispatcher;
import dev.breakglass.core.alert.AlertDispatchers;
import dev.breakglass.core.alert.ConsoleLinks;
import dev.breakglass.core.alert.OutboxAlertDispatcher;
import dev.breakglass.core.alert.channel.Slf4jAlertChannel;
import dev.breakglass.core.audit.TamperEvidentAuditLog;
import dev.breakglass.core.internal.Components;
import dev.breakglass.core.internal.DeliveryAuditor;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.Severity;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the engine's builder wires alerts: the outbox dispatcher over the configured and the
 * in-code channels, and what it says at build about where alerts can reach.
 */
final class EngineAlerts {
  private static final Logger LOG = LoggerFactory.getLogger(BreakGlassEngine.class);

  private final Map<String, String> properties;
  private final List<AlertChannel> alertChannels;
  private final Clock clock;

  EngineAlerts(Map<String, String> properties, List<AlertChannel> alertChannels, Clock clock) {
    this.properties = properties;
    this.alertChannels = alertChannels;
    this.clock = clock;
  }

  /**
   * The durable alert outbox over the channels named by {@code alert.*} properties, plus the
   * channels given in code, plus SLF4J (always, so every alert reaches at least the log); with
   * {@code alert.console-url}, alerts link to the console page of their request ({@link ConsoleLinks}).
   */
  AlertDispatcher dispatcher(Components components, AuditSink audit) {
    Map<String, String> alertProperties = new LinkedHashMap<>();
    properties.forEach((k, v) -> {
      if (k.startsWith("alert.")) {
        alertProperties.put(k, v);
      }
    });
    OutboxAlertDispatcher.Builder b = AlertDispatchers.fromProperties(alertProperties, clock,
        components.dataDirectory("the alert outbox"));
    if (configuredChannels().stream().noneMatch(this::isLogChannel)) {
      b.channel(Slf4jAlertChannel.NAME, new Slf4jAlertChannel(), Severity.INFO);
    }
    int n = 0;
    for (AlertChannel channel : alertChannels) {
      b.channel("code-" + (n++) + "-" + channel.name(), channel, Severity.INFO);
    }
    AlertDispatcher dispatcher = b.listener(new DeliveryAuditor(audit, clock)).build();
    String console = alertProperties.get("alert.console-url");
    try {
      return console == null ? dispatcher : ConsoleLinks.wrap(dispatcher, console);
    } catch (RuntimeException e) {
      dispatcher.close();
      throw e;
    }
  }

  /** The channel keys named by {@code alert.channels} (default: the log channel alone). */
  private List<String> configuredChannels() {
    return Components.splitList(properties.getOrDefault("alert.channels", Slf4jAlertChannel.NAME));
  }

  private boolean isLogChannel(String key) {
    return Slf4jAlertChannel.NAME.equals(properties.getOrDefault("alert.channel." + key + ".provider", key));
  }

  /**
   * Says so at build when alerts reach only the application log: a WARN and an
   * {@link AuditEventType#ALERTS_TO_LOG_ONLY} record when no channel but the log is configured, and
   * one line on stderr when SLF4J has no provider (the log itself then discards every line).
   */
  void reportReach(AuditSink audit) {
    List<String> keys = configuredChannels();
    boolean logOnly = alertChannels.isEmpty() && keys.stream().allMatch(this::isLogChannel);
    boolean noProvider = !Slf4jAlertChannel.hasLoggingProvider();
    if (noProvider) {
      System.err.println("breakglass: SLF4J has no provider, so the log alert channel discards every alert"
          + (logOnly ? " and no other alert channel is configured: nobody will hear of break-glass use" : "")
          + "; add an SLF4J provider (logback-classic, slf4j-simple, log4j-slf4j2-impl) or an alert channel"
          + " (alert.channels)");
    }
    if (logOnly) {
      LOG.warn("breakglass alerts go only to the application log (logger dev.breakglass.alert): configure an alert"
          + " channel that reaches a person (alert.channels: webhook, syslog, email) or add one in code");
      Map<String, String> details = new LinkedHashMap<>();
      details.put("channels", String.join(",", keys));
      details.put("slf4jProvider", Boolean.toString(!noProvider));
      audit.append(new AuditEvent(clock.instant(), AuditEventType.ALERTS_TO_LOG_ONLY, AuditEvent.SYSTEM, null, null,
          details));
    }
  }

  /** A torn tail repaired while the log opened is recorded in the log; people must hear of it too. */
  void alertIfRepaired(AuditSink audit, AlertDispatcher dispatcher) {
    if (audit instanceof TamperEvidentAuditLog) {
      ((TamperEvidentAuditLog) audit).repairedOnOpen().ifPresent(details -> dispatcher.dispatch(new Alert(
          UUID.randomUUID().toString(), clock.instant(), Severity.CRITICAL, AuditEventType.AUDIT_LOG_REPAIRED,
          "the audit log had a torn tail (a crash or tampering) and was truncated to its last intact record",
          null, null, details)));
    }
  }
}

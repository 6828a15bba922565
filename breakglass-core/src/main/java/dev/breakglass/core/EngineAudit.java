package dev.breakglass.core;

import dev.breakglass.AuditSink;
import dev.breakglass.ProviderException;
import dev.breakglass.core.audit.AuditLogCorruptException;
import dev.breakglass.core.audit.EmbeddedAuditLog;
import dev.breakglass.core.audit.Fingerprinter;
import dev.breakglass.core.internal.AuditTrust;
import dev.breakglass.core.internal.Components;
import dev.breakglass.spi.CheckpointWitness;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How the engine's builder sets up auditing: the audit sink (given in code, picked by the
 * {@code audit} property, or the embedded log under the data directory) and the fingerprint key.
 */
final class EngineAudit {
  private EngineAudit() {}

  /**
   * The sink given in code, else the one the {@code audit} property picks, else the embedded
   * tamper-evident audit log in {@code <data>/audit} ({@link EmbeddedAuditLog}: signed with
   * {@code <data>/keys/audit-signing.key}, never a new key for an existing log, checked against the
   * witnesses named by {@code witness}); a refusal raises a CRITICAL alert before it is thrown.
   */
  static AuditSink sink(Components components, @Nullable AuditSink given, EngineAlerts alerts, Clock clock) {
    if (given != null) {
      if (!Components.splitList(components.property("witness").orElse("")).isEmpty()) {
        throw new ProviderException("witness", "property 'witness' configures the embedded audit log's"
            + " witnesses, but an audit sink was given with auditSink(...): remove one of them");
      }
      return given;
    }
    List<CheckpointWitness> witnesses = AuditTrust.witnesses(components);
    AuditSink configured = AuditTrust.configuredSink(components, witnesses);
    if (configured != null) {
      return configured;
    }
    try {
      return components.own(EmbeddedAuditLog.open(components.dataDirectory("the audit log"), clock, witnesses));
    } catch (AuditLogCorruptException e) {
      AuditTrust.alertRefused(e, sink -> alerts.dispatcher(components, sink), clock);
      throw e;
    }
  }

  /** The fingerprinter with {@code key} if one was given, else with the key kept in the data directory. */
  static Fingerprinter fingerprinter(Components components, byte[] key) {
    return key.length > 0 ? new Fingerprinter(key)
        : Fingerprinter.loadOrCreate(components.dataDirectory("the audit fingerprint key").resolve("keys")
            .resolve("fingerprint.key"));
  }
}

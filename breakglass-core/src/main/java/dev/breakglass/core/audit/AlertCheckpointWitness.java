package dev.breakglass.core.audit;

import dev.breakglass.AuditEventType;
import dev.breakglass.core.alert.AlertDispatcher;
import dev.breakglass.spi.Alert;
import dev.breakglass.spi.CheckpointWitness;
import dev.breakglass.spi.Severity;
import dev.breakglass.spi.WitnessedCheckpoint;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Sends every signed checkpoint as an INFO {@link AuditEventType#AUDIT_CHECKPOINT} alert, so that
 * every alert receiver (syslog, a webhook, e-mail) keeps a copy outside the data directory. On by
 * default in the engine ({@code witness.alerts=false} turns it off); a channel whose minimum
 * severity is above INFO does not get these copies.
 *
 * <p>The alert id is {@code audit-checkpoint-<log id>-<size>}, so a checkpoint sent again (after a
 * restart) is the same alert to the dispatcher and to receivers that de-duplicate. The details hold
 * every field of the checkpoint ({@code logId}, {@code treeSize}, {@code previous}, {@code root},
 * {@code checkpointTime}, {@code keyId}, {@code signature}) and the whole signed text in base64
 * ({@code checkpoint}, one line without control characters), which a reviewer decodes into a file
 * for {@code breakglass verify --checkpoint}: {@code echo <checkpoint> | base64 -d > kept.txt}.
 *
 * <p>Write-only: {@link #newest()} is always empty, so the start-up check does not depend on the
 * alert receivers. Thread-safe.
 */
public final class AlertCheckpointWitness implements CheckpointWitness {
  private final AlertDispatcher alerts;

  /** A witness sending through {@code alerts} (which the caller owns and closes). */
  public AlertCheckpointWitness(AlertDispatcher alerts) {
    this.alerts = Objects.requireNonNull(alerts, "alerts");
  }

  @Override
  public String name() {
    return "alerts";
  }

  @Override
  public void witness(WitnessedCheckpoint checkpoint) {
    Checkpoint c = Checkpoint.parse(checkpoint.text());
    Map<String, String> details = new LinkedHashMap<>();
    Base64.Encoder b64 = Base64.getEncoder();
    details.put("logId", checkpoint.logId());
    details.put("treeSize", Long.toString(c.treeSize()));
    details.put("previous", c.previousSize() == Checkpoint.NO_PREVIOUS ? "none" : Long.toString(c.previousSize()));
    details.put("root", b64.encodeToString(c.rootHash()));
    details.put("checkpointTime", c.time().toString());
    details.put("keyId", c.keyId());
    details.put("signature", b64.encodeToString(c.signature()));
    details.put("checkpoint", b64.encodeToString(checkpoint.text().getBytes(StandardCharsets.UTF_8)));
    alerts.dispatch(new Alert("audit-checkpoint-" + checkpoint.logId() + "-" + c.treeSize(), c.time(), Severity.INFO,
        AuditEventType.AUDIT_CHECKPOINT, "audit log " + checkpoint.logId() + " signed a checkpoint of " + c.treeSize()
            + " records", null, null, details));
  }

  /** Always empty: alert receivers cannot be read back. */
  @Override
  public Optional<WitnessedCheckpoint> newest() {
    return Optional.empty();
  }
}

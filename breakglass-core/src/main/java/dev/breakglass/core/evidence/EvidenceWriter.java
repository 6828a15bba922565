package dev.breakglass.core.evidence;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.audit.AuditLogProofs;
import dev.breakglass.core.audit.AuditLogReader;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.Checkpoint;
import dev.breakglass.core.audit.PostIncidentReport;
import dev.breakglass.core.report.HtmlReport;
import dev.breakglass.core.report.ReviewModel;
import dev.breakglass.spi.files.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Collects a drill's records from the audit log, proves each against the first signed checkpoint
 * after the drill ended, renders the drill's HTML report, and writes the signed pack. Reads the
 * log only up to that checkpoint, so it works on the log of a running engine too.
 */
final class EvidenceWriter {
  private EvidenceWriter() {}

  /** One record of the drill and its place in the log. */
  private record Found(long index, AuditEvent event, byte[] canonical) {}

  static DrillEvidence.Written write(Path auditDirectory, AuditSigningKey key, String drillId, Path outputDirectory) {
    List<Found> found = new ArrayList<>();
    Checkpoint covering = collect(auditDirectory, drillId, found);
    AuditPublicKey publicKey = key.publicKey();
    if (!covering.verifySignature(publicKey)) {
      throw new IllegalArgumentException("the checkpoint after drill " + drillId + " in " + auditDirectory
          + " is not signed by the key given (" + publicKey.keyId() + " vs " + covering.keyId()
          + "): give the audit signing key of this data directory");
    }
    List<AuditEvent> events = found.stream().map(Found::event).toList();
    DrillSummary summary = DrillSummary.of(events);
    String html = HtmlReport.render(new ReviewModel(events, covering, PostIncidentReport.DEFAULT_APPROVAL_TIMEOUT),
        "Drill report: " + summary.account() + " (" + summary.outcome() + ")");
    String reportFile = drillId + EvidenceFormat.REPORT_SUFFIX;

    ObjectNode root = EvidenceFormat.MAPPER.createObjectNode();
    root.put("format", EvidenceFormat.FORMAT);
    root.put("version", EvidenceFormat.VERSION);
    root.put("drillId", drillId);
    summary(root.putObject("summary"), summary);
    root.put("publicKey", Base64.getEncoder().encodeToString(publicKey.raw()));
    root.put("keyId", publicKey.keyId());
    root.put("checkpoint", covering.toText());
    ArrayNode records = root.putArray("records");
    for (Found f : found) {
      AuditLogProofs.InclusionProof proof = AuditLogProofs.inclusionProof(auditDirectory, f.index(),
          covering.treeSize());
      if (!proof.verify(covering, publicKey)) {
        throw new IllegalStateException("the inclusion proof of record " + f.index() + " in " + auditDirectory
            + " does not verify against its checkpoint; verify the log with 'breakglass verify'");
      }
      ObjectNode r = records.addObject();
      r.put("index", f.index());
      r.put("type", f.event().type().name());
      r.put("time", f.event().time().toString());
      r.put("record", Base64.getEncoder().encodeToString(f.canonical()));
      ArrayNode path = r.putArray("proof");
      proof.path().forEach(h -> path.add(Base64.getEncoder().encodeToString(h)));
    }
    byte[] htmlBytes = html.getBytes(StandardCharsets.UTF_8);
    root.putObject("report").put("file", reportFile).put("sha256", EvidenceFormat.sha256Hex(htmlBytes))
        .put("html", html);

    String text = EvidenceFormat.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    byte[] body = text.substring(0, text.lastIndexOf('}')).stripTrailing().getBytes(StandardCharsets.UTF_8);
    String signature = Base64.getEncoder().encodeToString(key.sign(EvidenceFormat.signed(body)));
    byte[] pack = EvidenceFormat.join(body, signature);

    Path packFile = outputDirectory.resolve(drillId + EvidenceFormat.PACK_SUFFIX);
    Path htmlFile = outputDirectory.resolve(reportFile);
    try {
      DurableFiles.createPrivateDirectories(outputDirectory);
      DurableFiles.write(htmlFile, htmlBytes);
      DurableFiles.write(packFile, pack);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the evidence of drill " + drillId + " into " + outputDirectory
          + ": " + e.getMessage(), e);
    }
    return new DrillEvidence.Written(drillId, summary.account(), summary.outcome().equals("passed"), packFile,
        htmlFile, found.size(), covering);
  }

  static void summary(ObjectNode n, DrillSummary s) {
    n.put("account", s.account());
    n.put("outcome", s.outcome());
    n.put("failedStep", s.failedStep());
    n.put("startedAt", s.startedAt().toString());
    n.put("finishedAt", s.finishedAt().toString());
    n.put("requester", s.requester());
    ArrayNode approvedBy = n.putArray("approvedBy");
    s.approvedBy().forEach(approvedBy::add);
    n.put("released", s.released());
    n.put("proof", s.proof());
    n.put("rotated", s.rotated());
    n.put("proofAfterRotation", s.proofAfterRotation());
  }

  /**
   * Reads the log until the first checkpoint after the drill's outcome record, collecting the
   * drill's records (those naming it as {@code drillId} or as their grant) up to that outcome.
   */
  private static Checkpoint collect(Path auditDirectory, String drillId, List<Found> found) {
    boolean finished = false;
    long lastIndex = -1;
    try (AuditLogReader reader = AuditLogReader.open(auditDirectory)) {
      for (AuditLogReader.Entry e = reader.next(); e != null; e = reader.next()) {
        if (e instanceof AuditLogReader.RecordEntry r) {
          AuditEvent event = r.event();
          if (!finished && (drillId.equals(event.details().get("drillId")) || drillId.equals(event.grantId()))) {
            found.add(new Found(r.index(), event, r.canonical()));
            lastIndex = r.index();
            finished = event.type() == AuditEventType.DRILL_COMPLETED || event.type() == AuditEventType.DRILL_FAILED;
          }
        } else if (e instanceof AuditLogReader.CheckpointEntry c && finished
            && c.checkpoint().treeSize() > lastIndex) {
          return c.checkpoint();
        }
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException("the audit log " + auditDirectory + " has no record of drill " + drillId
          + "; give the drill's id as printed when it ran (it starts with bg-drill-)");
    }
    if (!finished) {
      throw new IllegalArgumentException("drill " + drillId + " has not finished: the audit log " + auditDirectory
          + " has no DRILL_COMPLETED or DRILL_FAILED record for it; complete the drill first");
    }
    throw new IllegalArgumentException("no signed checkpoint in " + auditDirectory + " covers the end of drill "
        + drillId + " yet; the engine signs one when a drill ends, and at the latest when it closes: retry then");
  }
}

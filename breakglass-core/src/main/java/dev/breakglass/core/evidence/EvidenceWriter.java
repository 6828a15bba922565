package dev.breakglass.core.evidence;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.approval.SignatureDetails;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Collects a drill's records and the registrations of the custodian keys that signed its decisions
 * from the audit log, proves each against the first signed checkpoint after the drill ended (and
 * that checkpoint against the log's newest), renders the drill's HTML report, and writes the signed
 * pack. A damaged or half-written tail after the drill's checkpoint only ends the reading, so it
 * works on the log of a running engine too.
 */
final class EvidenceWriter {
  private EvidenceWriter() {}

  /** One record of the drill and its place in the log. */
  private record Found(long index, AuditEvent event, byte[] canonical) {}

  /**
   * What the log holds for one drill: its records, the registrations of the custodian keys its
   * signed decisions name, the first checkpoint after its outcome, and the newest checkpoint.
   */
  private record Collected(List<Found> records, List<Found> keys, Checkpoint covering, Checkpoint latest) {}

  static DrillEvidence.Written write(Path auditDirectory, AuditSigningKey key, String drillId, Path outputDirectory) {
    Collected collected = collect(auditDirectory, drillId);
    List<Found> found = collected.records();
    Checkpoint covering = collected.covering();
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
    Checkpoint latest = collected.latest();
    if (latest.treeSize() > covering.treeSize()) {
      AuditLogProofs.ConsistencyProof consistency = AuditLogProofs.consistencyProof(auditDirectory,
          covering.treeSize(), latest.treeSize());
      if (!consistency.verify(covering, latest, publicKey)) {
        throw new IllegalStateException("the log in " + auditDirectory + " of " + latest.treeSize()
            + " records does not extend its checkpoint of " + covering.treeSize() + " records; verify the log with "
            + "'breakglass verify'");
      }
      root.put("laterCheckpoint", latest.toText());
      ArrayNode path = root.putArray("consistencyProof");
      consistency.path().forEach(h -> path.add(Base64.getEncoder().encodeToString(h)));
    }
    ArrayNode records = root.putArray("records");
    for (Found f : found) {
      proven(records.addObject(), auditDirectory, f, covering, publicKey);
    }
    ArrayNode custodianKeys = root.putArray("custodianKeys");
    for (Found f : collected.keys()) {
      ObjectNode k = custodianKeys.addObject();
      k.put("custodian", f.event().details().get(SignatureDetails.CUSTODIAN));
      k.put("keyId", f.event().details().get(SignatureDetails.KEY_ID));
      k.put("kind", f.event().details().get(SignatureDetails.KEY_KIND));
      proven(k, auditDirectory, f, covering, publicKey);
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

  /** Writes a record's place, canonical bytes and inclusion proof against {@code covering} into {@code r}. */
  private static void proven(ObjectNode r, Path auditDirectory, Found f, Checkpoint covering,
      AuditPublicKey publicKey) {
    AuditLogProofs.InclusionProof proof = AuditLogProofs.inclusionProof(auditDirectory, f.index(),
        covering.treeSize());
    if (!proof.verify(covering, publicKey)) {
      throw new IllegalStateException("the inclusion proof of record " + f.index() + " in " + auditDirectory
          + " does not verify against its checkpoint; verify the log with 'breakglass verify'");
    }
    r.put("index", f.index());
    r.put("type", f.event().type().name());
    r.put("time", f.event().time().toString());
    r.put("record", Base64.getEncoder().encodeToString(f.canonical()));
    ArrayNode path = r.putArray("proof");
    proof.path().forEach(h -> path.add(Base64.getEncoder().encodeToString(h)));
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
   * Reads the log, collecting the drill's records (those naming it as {@code drillId} or as their
   * grant) up to its outcome, the registration in force of every custodian key its signed decisions
   * name, the first checkpoint after the outcome, and the newest checkpoint the log holds now (a
   * torn tail of a log still being written ends the reading there).
   */
  private static Collected collect(Path auditDirectory, String drillId) {
    List<Found> found = new ArrayList<>();
    Map<String, Found> registered = new HashMap<>();
    Map<String, Found> used = new LinkedHashMap<>();
    boolean finished = false;
    long lastIndex = -1;
    Checkpoint covering = null;
    Checkpoint latest = null;
    try (AuditLogReader reader = AuditLogReader.open(auditDirectory)) {
      for (AuditLogReader.Entry e = nextOrEnd(reader, covering != null); e != null;
          e = nextOrEnd(reader, covering != null)) {
        if (e instanceof AuditLogReader.RecordEntry r && covering == null) {
          AuditEvent event = r.event();
          Map<String, String> d = event.details();
          if (event.type() == AuditEventType.CUSTODIAN_KEY_REGISTERED && d.get(SignatureDetails.KEY_ID) != null) {
            registered.put(d.get(SignatureDetails.KEY_ID), new Found(r.index(), event, r.canonical()));
          } else if (event.type() == AuditEventType.CUSTODIAN_KEY_REMOVED && d.get(SignatureDetails.KEY_ID) != null) {
            registered.remove(d.get(SignatureDetails.KEY_ID));
          }
          if (!finished && (drillId.equals(d.get("drillId")) || drillId.equals(event.grantId()))) {
            found.add(new Found(r.index(), event, r.canonical()));
            lastIndex = r.index();
            finished = event.type() == AuditEventType.DRILL_COMPLETED || event.type() == AuditEventType.DRILL_FAILED;
            String key = d.get(SignatureDetails.KEY);
            if (key != null && registered.containsKey(key)) {
              used.putIfAbsent(key, registered.get(key));
            }
          }
        } else if (e instanceof AuditLogReader.CheckpointEntry c) {
          if (covering == null && finished && c.checkpoint().treeSize() > lastIndex) {
            covering = c.checkpoint();
          }
          latest = c.checkpoint();
        }
      }
    }
    if (covering != null) {
      List<Found> keys = new ArrayList<>(used.values());
      keys.sort(Comparator.comparingLong(Found::index));
      return new Collected(found, keys, covering, latest);
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

  /**
   * The next entry; once the drill is covered, a damaged tail (a log still being written, or one
   * that {@code breakglass verify} must look at) only ends the search for a newer checkpoint.
   */
  private static AuditLogReader.@Nullable Entry nextOrEnd(AuditLogReader reader, boolean covered) {
    if (!covered) {
      return reader.next();
    }
    try {
      return reader.next();
    } catch (RuntimeException e) {
      return null;
    }
  }
}

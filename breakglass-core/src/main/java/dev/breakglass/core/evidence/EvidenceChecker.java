package dev.breakglass.core.evidence;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.core.approval.ApprovalLogVerifier;
import dev.breakglass.core.approval.SignatureDetails;
import dev.breakglass.core.approval.SignatureVerifiers;
import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.AuditLogProofs;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.core.audit.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks one evidence pack offline and names every part that fails: the signature over the pack's
 * bytes, the key, the checkpoint's signature, each record's inclusion proof and content, the
 * summary against the records, and the HTML report against its digest. Stateless.
 */
final class EvidenceChecker {
  private EvidenceChecker() {}

  /** One record read from the pack, its log index, and how failures name it. */
  private record Proven(long index, AuditEvent event, String where) {}

  static DrillEvidence.Verification check(String name, byte[] file, @Nullable AuditPublicKey trusted,
      @Nullable Checkpoint kept, byte @Nullable [] reportFile, @Nullable String reportName) {
    List<String> failures = new ArrayList<>();
    boolean looksLikePack = EvidenceFormat.split(file) != null
        || new String(file, StandardCharsets.ISO_8859_1).contains("\"drillId\"");
    JsonNode root;
    try {
      root = EvidenceFormat.MAPPER.readTree(file);
    } catch (JacksonException e) {
      if (!looksLikePack) {
        throw new IllegalArgumentException(name + " is not a drill evidence pack (not JSON: "
            + e.getOriginalMessage() + "); give the " + EvidenceFormat.PACK_SUFFIX + " file a drill wrote");
      }
      failures.add("JSON: the pack is not well-formed (" + e.getOriginalMessage()
          + "): it was altered or cut after it was written");
      return new DrillEvidence.Verification(false, failures, null, null, null, 0, null, null, trusted != null,
          kept != null, 0, 0, List.of());
    }
    if (root == null || !root.isObject() || (!looksLikePack && !EvidenceFormat.FORMAT.equals(text(root, "format")))) {
      throw new IllegalArgumentException(name + " is not a drill evidence pack (its \"format\" is not \""
          + EvidenceFormat.FORMAT + "\"); give the " + EvidenceFormat.PACK_SUFFIX + " file a drill wrote");
    }
    if (!EvidenceFormat.FORMAT.equals(text(root, "format"))) {
      failures.add("format: the pack says \"" + text(root, "format") + "\", not \"" + EvidenceFormat.FORMAT + "\"");
    }
    if (root.path("version").asInt(-1) != EvidenceFormat.VERSION) {
      if (signedByItsOwnKey(file, root)) {
        throw new IllegalArgumentException(name + " is an evidence pack of version " + root.path("version")
            + ", which this tool does not know (it reads version " + EvidenceFormat.VERSION + "); use a newer tool");
      }
      failures.add("version: the pack says " + root.path("version") + ", not " + EvidenceFormat.VERSION);
    }
    String drillId = text(root, "drillId");

    AuditPublicKey key = key(root, trusted, failures);
    EvidenceFormat.Split split = EvidenceFormat.split(file);
    if (split == null) {
      failures.add("signature: the pack does not end in its signature line (it was cut or altered after signing)");
    } else if (key != null && !key.verify(EvidenceFormat.signed(split.body()), decodeOrEmpty(split.signature()))) {
      failures.add("signature: the pack's bytes do not match its signature by key " + key.keyId()
          + " (it was changed after it was signed)");
    }

    Checkpoint checkpoint = null;
    try {
      checkpoint = Checkpoint.parse(Objects.requireNonNullElse(text(root, "checkpoint"), ""));
      if (key != null && !checkpoint.verifySignature(key)) {
        failures.add("checkpoint: its signature by key " + checkpoint.keyId() + " does not verify with key "
            + key.keyId());
      }
    } catch (IllegalArgumentException e) {
      failures.add("checkpoint: " + e.getMessage());
    }

    Checkpoint later = laterCheckpoint(root, key, checkpoint, failures);
    if (kept != null) {
      keptCheckpoint(kept, key, checkpoint, later, failures);
    }
    List<Proven> records = records(root, drillId, key, checkpoint, failures);
    List<AuditEvent> events = records.stream().map(Proven::event).toList();
    summary(root, events, failures);
    List<Proven> keys = custodianKeys(root, key, checkpoint, failures);
    ApprovalLogVerifier.Result approvals = approvals(records, keys, failures);
    report(root, reportFile, reportName, failures);
    return new DrillEvidence.Verification(failures.isEmpty(), failures, drillId, text(root.path("summary"), "account"),
        text(root.path("summary"), "outcome"), events.size(), checkpoint, key == null ? null : key.keyId(),
        trusted != null, kept != null, approvals.signed(), approvals.unsigned(),
        keys.stream().map(k -> k.event().details().get(SignatureDetails.CUSTODIAN) + " "
            + k.event().details().get(SignatureDetails.KEY_ID)).toList());
  }

  /**
   * The newer checkpoint the pack names ({@code laterCheckpoint}) with the consistency proof that
   * its log extends the drill's checkpoint; {@code null} if the pack names none.
   */
  private static @Nullable Checkpoint laterCheckpoint(JsonNode root, @Nullable AuditPublicKey key,
      @Nullable Checkpoint checkpoint, List<String> failures) {
    String text = text(root, "laterCheckpoint");
    if (text == null) {
      return null;
    }
    Checkpoint later;
    List<byte[]> path = new ArrayList<>();
    try {
      later = Checkpoint.parse(text);
      root.path("consistencyProof").forEach(h -> path.add(decode(h.asString())));
    } catch (IllegalArgumentException e) {
      failures.add("later checkpoint: " + e.getMessage());
      return null;
    }
    if (key != null && checkpoint != null && !new AuditLogProofs.ConsistencyProof(checkpoint.treeSize(),
        later.treeSize(), path).verify(checkpoint, later, key)) {
      failures.add("later checkpoint: its log of " + later.treeSize() + " records is not proven to extend the "
          + "drill's checkpoint of " + checkpoint.treeSize() + " records (the checkpoint or the consistency proof "
          + "was altered)");
    }
    return later;
  }

  /**
   * A checkpoint kept outside the data directory anchors the pack: it must be signed by the key and
   * be the drill's checkpoint or the later one the pack proves consistent with it.
   */
  private static void keptCheckpoint(Checkpoint kept, @Nullable AuditPublicKey key, @Nullable Checkpoint checkpoint,
      @Nullable Checkpoint later, List<String> failures) {
    if (key != null && !kept.verifySignature(key)) {
      failures.add("kept checkpoint: its signature by key " + kept.keyId() + " does not verify with key "
          + key.keyId() + "; give the checkpoint of this log, signed with its key");
      return;
    }
    for (Checkpoint c : java.util.Arrays.asList(checkpoint, later)) {
      if (c != null && c.treeSize() == kept.treeSize()) {
        if (!java.util.Arrays.equals(c.rootHash(), kept.rootHash())) {
          failures.add("kept checkpoint: the pack's log of " + c.treeSize() + " records has another root than the "
              + "kept checkpoint of the same size: the log was rewritten after the checkpoint was kept");
        }
        return;
      }
    }
    failures.add("kept checkpoint: it covers " + kept.treeSize() + " records, but the pack is proven against "
        + (checkpoint == null ? "no checkpoint" : "the checkpoints of " + checkpoint.treeSize()
            + (later == null ? "" : " and " + later.treeSize()) + " records")
        + ", so the pack cannot prove it offline; give the checkpoint kept when the drill ended, or verify the log "
        + "itself with 'breakglass verify DIR --checkpoint FILE'");
  }

  /** Whether the pack is intact under the key it carries (a genuine pack of another version). */
  private static boolean signedByItsOwnKey(byte[] file, JsonNode root) {
    EvidenceFormat.Split split = EvidenceFormat.split(file);
    try {
      AuditPublicKey packed = AuditPublicKey.fromRaw(decode(Objects.requireNonNullElse(text(root, "publicKey"), "")));
      return split != null && packed.verify(EvidenceFormat.signed(split.body()), decodeOrEmpty(split.signature()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static @Nullable AuditPublicKey key(JsonNode root, @Nullable AuditPublicKey trusted, List<String> failures) {
    AuditPublicKey packed;
    try {
      packed = AuditPublicKey.fromRaw(decode(Objects.requireNonNullElse(text(root, "publicKey"), "")));
    } catch (IllegalArgumentException e) {
      failures.add("key: the pack's public key is unusable (" + e.getMessage() + ")");
      return trusted;
    }
    if (trusted != null && !trusted.equals(packed)) {
      failures.add("key: the pack is signed by key " + packed.keyId() + ", not by the trusted key " + trusted.keyId());
      return trusted;
    }
    return packed;
  }

  private static List<Proven> records(JsonNode root, @Nullable String drillId, @Nullable AuditPublicKey key,
      @Nullable Checkpoint checkpoint, List<String> failures) {
    List<Proven> events = new ArrayList<>();
    JsonNode records = root.path("records");
    if (!records.isArray() || records.isEmpty()) {
      failures.add("records: the pack holds no records");
      return events;
    }
    long previous = -1;
    for (int i = 0; i < records.size(); i++) {
      JsonNode r = records.get(i);
      String where = "record " + (i + 1) + " of " + records.size() + " (log index " + r.path("index").asLong(-1)
          + ", " + text(r, "type") + ")";
      Proven p = proven(r, where, key, checkpoint, failures);
      if (p == null) {
        continue;
      }
      events.add(p);
      if (p.index() <= previous) {
        failures.add(where + ": records are not in log order");
      }
      previous = p.index();
      AuditEvent event = p.event();
      if (drillId == null || !(drillId.equals(event.details().get("drillId")) || drillId.equals(event.grantId()))) {
        failures.add(where + ": the record is not about drill " + drillId);
      }
    }
    return events;
  }

  /**
   * Reads one proven record ({@code index}, {@code type}, {@code time}, {@code record},
   * {@code proof}) and checks it against its own fields and the checkpoint; {@code null} if it
   * cannot be read at all (the failure is added).
   */
  private static @Nullable Proven proven(JsonNode r, String where, @Nullable AuditPublicKey key,
      @Nullable Checkpoint checkpoint, List<String> failures) {
    long index = r.path("index").asLong(-1);
    AuditEvent event;
    byte[] canonical;
    try {
      canonical = decode(Objects.requireNonNullElse(text(r, "record"), ""));
      AuditEventCodec.Decoded d = AuditEventCodec.decode(canonical);
      event = d.event();
      if (d.seq() != index) {
        failures.add(where + ": the record says it is log index " + d.seq());
      }
    } catch (IllegalArgumentException e) {
      failures.add(where + ": the record cannot be read (" + e.getMessage() + ")");
      return null;
    }
    if (!event.type().name().equals(text(r, "type")) || !event.time().toString().equals(text(r, "time"))) {
      failures.add(where + ": its type or time does not match the record (" + event.type() + ", " + event.time()
          + ")");
    }
    if (key != null && checkpoint != null) {
      List<byte[]> path = new ArrayList<>();
      try {
        r.path("proof").forEach(h -> path.add(decode(h.asString())));
      } catch (IllegalArgumentException e) {
        failures.add(where + ": its inclusion proof is not base64");
        return new Proven(index, event, where);
      }
      if (!new AuditLogProofs.InclusionProof(index, checkpoint.treeSize(), canonical, path)
          .verify(checkpoint, key)) {
        failures.add(where + ": its inclusion proof does not lead to the checkpoint's root (the record or its "
            + "proof was altered)");
      }
    }
    return new Proven(index, event, where);
  }

  /** The proven registrations of the custodian keys the drill's signed decisions name. */
  private static List<Proven> custodianKeys(JsonNode root, @Nullable AuditPublicKey key,
      @Nullable Checkpoint checkpoint, List<String> failures) {
    List<Proven> keys = new ArrayList<>();
    JsonNode entries = root.path("custodianKeys");
    for (int i = 0; i < entries.size(); i++) {
      JsonNode k = entries.get(i);
      String where = "custodian key " + (i + 1) + " of " + entries.size() + " (" + text(k, "custodian") + ", "
          + text(k, "keyId") + ", log index " + k.path("index").asLong(-1) + ")";
      Proven p = proven(k, where, key, checkpoint, failures);
      if (p == null) {
        continue;
      }
      Map<String, String> d = p.event().details();
      if (p.event().type() != AuditEventType.CUSTODIAN_KEY_REGISTERED) {
        failures.add(where + ": the record is a " + p.event().type() + ", not a CUSTODIAN_KEY_REGISTERED");
      } else if (!Objects.equals(d.get(SignatureDetails.CUSTODIAN), text(k, "custodian"))
          || !Objects.equals(d.get(SignatureDetails.KEY_ID), text(k, "keyId"))
          || !Objects.equals(d.get(SignatureDetails.KEY_KIND), text(k, "kind"))) {
        failures.add(where + ": its custodian, key id or kind does not match the record ("
            + d.get(SignatureDetails.CUSTODIAN) + ", " + d.get(SignatureDetails.KEY_ID) + ", "
            + d.get(SignatureDetails.KEY_KIND) + ")");
      } else {
        keys.add(p);
      }
    }
    return keys;
  }

  /**
   * Re-verifies every signed approval and denial of the drill against the custodian keys the pack
   * proves were registered before it, as {@code breakglass verify} does for a whole log.
   */
  private static ApprovalLogVerifier.Result approvals(List<Proven> records, List<Proven> keys,
      List<String> failures) {
    List<Proven> inOrder = new ArrayList<>(keys);
    inOrder.addAll(records);
    inOrder.sort(Comparator.comparingLong(Proven::index));
    ApprovalLogVerifier.Result result = ApprovalLogVerifier.verify(inOrder.stream().map(Proven::event).toList(),
        SignatureVerifiers.offline());
    for (ApprovalLogVerifier.Problem p : result.problems()) {
      failures.add(inOrder.get((int) p.record()).where() + ": " + p.custodian() + "'s signed decision does not "
          + "re-verify (" + p.code() + "): " + p.message());
    }
    return result;
  }

  private static void summary(JsonNode root, List<AuditEvent> events, List<String> failures) {
    DrillSummary fromRecords;
    try {
      fromRecords = DrillSummary.of(events);
    } catch (IllegalArgumentException e) {
      failures.add("records: " + e.getMessage());
      return;
    }
    ObjectNode expected = EvidenceFormat.MAPPER.createObjectNode();
    EvidenceWriter.summary(expected, fromRecords);
    JsonNode claimed = root.path("summary");
    for (String field : List.of("account", "outcome", "failedStep", "startedAt", "finishedAt", "requester",
        "approvedBy", "released", "proof", "rotated", "proofAfterRotation")) {
      if (!expected.path(field).equals(claimed.path(field))) {
        failures.add("summary: " + field + " says " + claimed.path(field) + ", but the records say "
            + expected.path(field));
      }
    }
  }

  private static void report(JsonNode root, byte @Nullable [] reportFile, @Nullable String reportName,
      List<String> failures) {
    JsonNode report = root.path("report");
    String digest = text(report, "sha256");
    String html = text(report, "html");
    if (digest == null || html == null) {
      failures.add("report: the pack holds no HTML report and digest");
      return;
    }
    if (!digest.equals(EvidenceFormat.sha256Hex(html.getBytes(StandardCharsets.UTF_8)))) {
      failures.add("report: the HTML report in the pack does not match its SHA-256 digest");
    }
    if (reportFile != null && !digest.equals(EvidenceFormat.sha256Hex(reportFile))) {
      failures.add("report: " + reportName + " does not match the SHA-256 digest in the pack (it was altered, or "
          + "belongs to another drill)");
    }
  }

  private static @Nullable String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || !v.isString() ? null : v.asString();
  }

  private static byte[] decodeOrEmpty(String base64) {
    try {
      return decode(base64);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  private static byte[] decode(String base64) {
    return Base64.getDecoder().decode(base64);
  }
}

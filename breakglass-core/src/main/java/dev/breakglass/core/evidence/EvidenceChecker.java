package dev.breakglass.core.evidence;

import dev.breakglass.AuditEvent;
import dev.breakglass.core.audit.AuditEventCodec;
import dev.breakglass.core.audit.AuditLogProofs;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.core.audit.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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

  static DrillEvidence.Verification check(String name, byte[] file, @Nullable AuditPublicKey trusted,
      byte @Nullable [] reportFile, @Nullable String reportName) {
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
      return new DrillEvidence.Verification(false, failures, null, null, null, 0, null, null, trusted != null);
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

    List<AuditEvent> events = records(root, drillId, key, checkpoint, failures);
    summary(root, events, failures);
    report(root, reportFile, reportName, failures);
    return new DrillEvidence.Verification(failures.isEmpty(), failures, drillId, text(root.path("summary"), "account"),
        text(root.path("summary"), "outcome"), events.size(), checkpoint, key == null ? null : key.keyId(),
        trusted != null);
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

  private static List<AuditEvent> records(JsonNode root, @Nullable String drillId, @Nullable AuditPublicKey key,
      @Nullable Checkpoint checkpoint, List<String> failures) {
    List<AuditEvent> events = new ArrayList<>();
    JsonNode records = root.path("records");
    if (!records.isArray() || records.isEmpty()) {
      failures.add("records: the pack holds no records");
      return events;
    }
    long previous = -1;
    for (int i = 0; i < records.size(); i++) {
      JsonNode r = records.get(i);
      long index = r.path("index").asLong(-1);
      String where = "record " + (i + 1) + " of " + records.size() + " (log index " + index + ", "
          + text(r, "type") + ")";
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
        continue;
      }
      events.add(event);
      if (index <= previous) {
        failures.add(where + ": records are not in log order");
      }
      previous = index;
      if (!event.type().name().equals(text(r, "type")) || !event.time().toString().equals(text(r, "time"))) {
        failures.add(where + ": its type or time does not match the record (" + event.type() + ", " + event.time()
            + ")");
      }
      if (drillId == null || !(drillId.equals(event.details().get("drillId")) || drillId.equals(event.grantId()))) {
        failures.add(where + ": the record is not about drill " + drillId);
      }
      if (key != null && checkpoint != null) {
        List<byte[]> path = new ArrayList<>();
        try {
          r.path("proof").forEach(h -> path.add(decode(h.asString())));
        } catch (IllegalArgumentException e) {
          failures.add(where + ": its inclusion proof is not base64");
          continue;
        }
        if (!new AuditLogProofs.InclusionProof(index, checkpoint.treeSize(), canonical, path)
            .verify(checkpoint, key)) {
          failures.add(where + ": its inclusion proof does not lead to the checkpoint's root (the record or its "
              + "proof was altered)");
        }
      }
    }
    return events;
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

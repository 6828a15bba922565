package dev.breakglass.core.evidence;

import dev.breakglass.ApprovalSignature;
import dev.breakglass.ApprovalStatement;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.CustodianKey;
import dev.breakglass.Decision;
import dev.breakglass.core.approval.RawSignatureVerifier;
import dev.breakglass.core.approval.SignatureDetails;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.Checkpoint;
import dev.breakglass.core.audit.TamperEvidentAuditLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.node.ObjectNode;

/**
 * An audit log written record by record, for drills whose every record the test chooses: real
 * signing key, real Ed25519 and ECDSA P-256 custodian keys, checkpoints only where the test asks
 * for them.
 */
final class HandWrittenDrillLog implements AutoCloseable {
  static final String DRILL = "bg-drill-hand-1";
  static final String ACCOUNT = "db-root";
  static final String DIGEST = "sha256:drill-request";
  static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

  static final KeyPair CAROL_PAIR = generate("Ed25519", null);
  static final KeyPair DAVE_PAIR = generate("EC", "secp256r1");
  static final CustodianKey CAROL = CustodianKey.raw("carol", ApprovalSignature.Kind.ED25519,
      CAROL_PAIR.getPublic().getEncoded(), "carol's key");
  static final CustodianKey DAVE = CustodianKey.raw("dave", ApprovalSignature.Kind.ECDSA_P256,
      DAVE_PAIR.getPublic().getEncoded(), "dave's token");

  final Path directory;
  final AuditSigningKey key = AuditSigningKey.generate();
  final TamperEvidentAuditLog log;
  private int seconds;

  HandWrittenDrillLog(Path directory) {
    this.directory = directory;
    this.log = TamperEvidentAuditLog.builder(directory).signingKey(key).checkpointEveryRecords(100_000)
        .checkpointInterval(Duration.ofDays(365)).backgroundCheckpoints(false).build();
  }

  static KeyPair generate(String algorithm, String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (curve != null) {
        g.initialize(new ECGenParameterSpec(curve));
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** Appends a record and returns its log index. */
  long append(AuditEventType type, String actor, String grant, Map<String, String> details) {
    return log.appendAndGetIndex(new AuditEvent(T.plusSeconds(seconds++), type, actor, grant, ACCOUNT, details));
  }

  /** Appends a record of the drill (its grant is the drill). */
  long drill(AuditEventType type, String actor, Map<String, String> details) {
    return append(type, actor, DRILL, details);
  }

  /** The drill's start and its request, with the digest custodians sign. */
  void start() {
    drill(AuditEventType.DRILL_STARTED, "alice", Map.of("drillId", DRILL));
    drill(AuditEventType.ACCESS_REQUESTED, "alice", Map.of("requestDigest", DIGEST));
  }

  /** A record that names the drill in its details only, as the delivery of one of its alerts does. */
  long alertDelivered() {
    return append(AuditEventType.ALERT_DELIVERED, "system", null, Map.of("drillId", DRILL, "channel", "log"));
  }

  long register(CustodianKey custodianKey) {
    return append(AuditEventType.CUSTODIAN_KEY_REGISTERED, custodianKey.custodian(), null,
        SignatureDetails.of(custodianKey));
  }

  long remove(CustodianKey custodianKey) {
    return append(AuditEventType.CUSTODIAN_KEY_REMOVED, custodianKey.custodian(), null,
        Map.of(SignatureDetails.CUSTODIAN, custodianKey.custodian(), SignatureDetails.KEY_ID, custodianKey.keyId()));
  }

  /** An approval of the drill signed with the custodian's private key. */
  long approve(CustodianKey custodianKey, KeyPair pair) {
    ApprovalStatement st = ApprovalStatement.of(DRILL, DIGEST, custodianKey.custodian(), Decision.APPROVE, T);
    try {
      Signature s = Signature.getInstance(RawSignatureVerifier.jdkAlgorithm(custodianKey.kind()));
      s.initSign(pair.getPrivate());
      s.update(st.bytes());
      ApprovalSignature sig = ApprovalSignature.raw(custodianKey.kind(), custodianKey.keyId(), T, s.sign());
      return drill(AuditEventType.APPROVAL_ACCEPTED, custodianKey.custodian(),
          SignatureDetails.of(Decision.APPROVE, sig, 0));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  long complete() {
    return drill(AuditEventType.DRILL_COMPLETED, "alice", Map.of("drillId", DRILL, "proof", "login ok"));
  }

  Checkpoint checkpoint() {
    return log.checkpoint();
  }

  DrillEvidence.Written export(Path out) {
    return DrillEvidence.export(directory, key, DRILL, out);
  }

  /** The pack read as JSON. */
  static ObjectNode json(Path pack) throws IOException {
    return (ObjectNode) EvidenceFormat.MAPPER.readTree(Files.readAllBytes(pack));
  }

  /** The pack changed by {@code change} and signed again with this log's key, as the key's holder could. */
  Path resigned(Path pack, Consumer<ObjectNode> change) throws IOException {
    ObjectNode root = json(pack);
    root.remove("signature");
    change.accept(root);
    String text = EvidenceFormat.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    byte[] body = text.substring(0, text.lastIndexOf('}')).stripTrailing().getBytes(StandardCharsets.UTF_8);
    byte[] file = EvidenceFormat.join(body, Base64.getEncoder().encodeToString(key.sign(EvidenceFormat.signed(body))));
    Path out = pack.resolveSibling("changed").resolve(pack.getFileName());
    Files.createDirectories(out.getParent());
    Files.write(out, file);
    return out;
  }

  @Override
  public void close() {
    log.close();
  }
}

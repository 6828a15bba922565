package dev.breakglass.core.evidence;

import dev.breakglass.core.BreakGlassEngine;
import dev.breakglass.core.audit.AuditPublicKey;
import dev.breakglass.core.audit.AuditSigningKey;
import dev.breakglass.core.audit.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The evidence of one drill: a self-contained, signed JSON file ({@code <drillId>.evidence.json})
 * and the drill's HTML report next to it ({@code <drillId>.html}), both written from the audit log
 * alone after the drill ({@code BreakGlass.completeDrill}).
 *
 * <p>The pack holds every audit record of the drill (request, approvals, issue, release, proof,
 * close, rotation, outcome) in its canonical form, an RFC 6962 inclusion proof of each against the
 * first signed checkpoint after the drill, that checkpoint, the log's public key, a summary of the
 * drill, and the HTML report with its SHA-256 digest. The audit log's signing key signs the pack's
 * exact bytes (under a domain of its own, so a pack signature never passes as a checkpoint's).
 * Anyone can check it offline, without the log, with {@link #verify} or
 * {@code breakglass evidence verify}:
 *
 * <pre>{@code
 * DrillResult drill = breakGlass.completeDrill(drillGrant.id(), "alice");
 * DrillEvidence.Written evidence = DrillEvidence.export(dataDirectory, drill.drillId(),
 *     dataDirectory.resolve("drills"));
 * // hand evidence.pack() and evidence.report() to the auditor, with audit.pub kept elsewhere:
 * DrillEvidence.Verification v = DrillEvidence.verify(evidence.pack(),
 *     AuditPublicKey.read(keptPublicKey));
 * if (!v.valid()) {
 *   v.failures().forEach(System.err::println);   // each names the part that failed
 * }
 * }</pre>
 *
 * <p>Every signed approval or denial of the drill is re-verified offline against the custodian
 * keys the pack carries ({@code custodianKeys}: each key's registration record, proven like the
 * drill's records). When the log has a newer checkpoint than the drill's, the pack also carries it
 * with a consistency proof, so a checkpoint kept elsewhere (the witness) can anchor it.
 *
 * <p>Export may run while the engine is running (a record still being written ends the reading).
 * Stateless and thread-safe.
 */
public final class DrillEvidence {
  /** Where {@code breakglass drill} and the demo put evidence by default, under the data directory. */
  public static final String DIRECTORY = "drills";

  private DrillEvidence() {}

  /**
   * What {@link #export} wrote.
   *
   * @param drillId the drill
   * @param account the drilled account
   * @param passed whether the drill passed
   * @param pack the signed evidence file
   * @param report the HTML report (also inside the pack)
   * @param records how many audit records the pack proves
   * @param checkpoint the signed checkpoint they are proven against
   */
  public record Written(String drillId, String account, boolean passed, Path pack, Path report, int records,
      Checkpoint checkpoint) {}

  /**
   * The outcome of {@link #verify}.
   *
   * @param valid whether every check passed
   * @param failures one sentence per failed check, naming the part (signature, key, checkpoint,
   *     record n, summary field, report); empty when valid
   * @param drillId the drill the pack names, if it could be read
   * @param account the drilled account, as the pack says
   * @param outcome {@code "passed"} or {@code "failed"}, as the pack says
   * @param records how many records were read from the pack
   * @param checkpoint the checkpoint the records are proven against, if it could be read
   * @param keyId the key the pack was checked with
   * @param keyTrusted whether that key was given by the caller ({@code false}: the key inside the
   *     pack, which proves integrity but not origin; pass the log's {@code audit.pub} kept elsewhere)
   * @param checkpointTrusted whether a checkpoint kept outside the data directory was given and
   *     checked ({@code false}: the records are proven against the checkpoint inside the pack only)
   * @param signedDecisions the drill's approvals and denials whose custodian signatures re-verified
   *     against the custodian keys the pack proves were registered
   * @param unsignedDecisions the drill's approvals and denials that carry no signature (accepted
   *     because no key of the account's custodians was registered, or the policy allows it)
   * @param custodianKeys the custodian keys the pack carries, as {@code "<custodian> <keyId>"}
   */
  public record Verification(boolean valid, List<String> failures, @Nullable String drillId,
      @Nullable String account, @Nullable String outcome, int records, @Nullable Checkpoint checkpoint,
      @Nullable String keyId, boolean keyTrusted, boolean checkpointTrusted, int signedDecisions,
      int unsignedDecisions, List<String> custodianKeys) {
    public Verification {
      failures = List.copyOf(failures);
      custodianKeys = List.copyOf(custodianKeys);
    }
  }

  /**
   * Writes the evidence of drill {@code drillId} from an engine's data directory: its audit log
   * ({@code <data>/audit}) and the log's signing key ({@code <data>/keys/audit-signing.key}).
   *
   * @param outputDirectory where to write (created owner-only if missing), e.g. {@code <data>/drills}
   * @throws IllegalArgumentException naming the fix if the log holds no such finished drill, or no
   *     signed checkpoint covers its end yet
   * @throws UncheckedIOException if a file cannot be read or written
   */
  public static Written export(Path dataDirectory, String drillId, Path outputDirectory) {
    Path keyFile = dataDirectory.resolve("keys").resolve("audit-signing.key");
    if (!Files.isRegularFile(keyFile)) {
      throw new IllegalArgumentException("no audit signing key at " + keyFile + ": give the data directory of the "
          + "engine that ran the drill (it holds audit/ and keys/)");
    }
    return export(dataDirectory.resolve(BreakGlassEngine.AUDIT_DIRECTORY), AuditSigningKey.load(keyFile), drillId,
        outputDirectory);
  }

  /** Like {@link #export(Path, String, Path)}, for a log directory and its signing key given apart. */
  public static Written export(Path auditDirectory, AuditSigningKey signingKey, String drillId,
      Path outputDirectory) {
    Objects.requireNonNull(drillId, "drillId");
    if (!Files.isDirectory(auditDirectory)) {
      throw new IllegalArgumentException("audit log directory " + auditDirectory + " does not exist: give the "
          + "data directory of the engine that ran the drill");
    }
    return EvidenceWriter.write(auditDirectory, signingKey, drillId, outputDirectory);
  }

  /**
   * Checks an evidence pack offline. With {@code trusted} (the log's {@code audit.pub}, kept where
   * the engine's host cannot write) the check also proves the pack's origin; without it, the key
   * inside the pack is used and only integrity is proven. The HTML report next to the pack (the
   * file the pack names, in the same directory) is checked against the digest in the pack when it
   * is there.
   *
   * @throws IllegalArgumentException if the file is not an evidence pack at all, or of an unknown
   *     version (the message names the file and the fix)
   * @throws UncheckedIOException if it cannot be read
   */
  public static Verification verify(Path pack, @Nullable AuditPublicKey trusted) {
    return verify(pack, trusted, null, null);
  }

  /** Like {@link #verify(Path, AuditPublicKey)}, with the HTML report given (checked against the pack's digest). */
  public static Verification verify(Path pack, @Nullable AuditPublicKey trusted, Path report) {
    return verify(pack, trusted, null, report);
  }

  /**
   * Like {@link #verify(Path, AuditPublicKey)}, also anchored in a checkpoint kept outside the data
   * directory ({@code breakglass checkpoint}, or the engine's witness): it must be signed by the
   * key and be the drill's checkpoint, or the later checkpoint the pack proves consistent with it
   * (the newest one when the pack was written). With both {@code trusted} and {@code kept} nothing
   * the pack says about its own origin is taken on trust.
   *
   * <pre>{@code
   * DrillEvidence.Verification v = DrillEvidence.verify(pack, AuditPublicKey.read(keptAuditPub),
   *     Checkpoint.parse(Files.readString(witness.resolve("checkpoint"))), null);
   * }</pre>
   *
   * @param kept the kept checkpoint, or {@code null} to trust the pack's own
   * @param report the HTML report, or {@code null} for the one next to the pack (if there)
   */
  public static Verification verify(Path pack, @Nullable AuditPublicKey trusted, @Nullable Checkpoint kept,
      @Nullable Path report) {
    byte[] bytes = read(pack);
    Path r = report != null ? report : reportNextTo(pack, bytes);
    return EvidenceChecker.check(pack.toString(), bytes, trusted, kept, r == null ? null : read(r),
        r == null ? null : r.toString());
  }

  /** The pack's {@code report.file}, resolved next to the pack, if it names one and it exists. */
  private static @Nullable Path reportNextTo(Path pack, byte[] bytes) {
    String file = EvidenceFormat.reportFileName(bytes);
    if (file == null) {
      return null;
    }
    Path parent = pack.toAbsolutePath().getParent();
    Path report = parent == null ? Path.of(file) : parent.resolve(file);
    return Files.isRegularFile(report) ? report : null;
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}

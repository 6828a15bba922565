package dev.breakglass.core.approval;

import dev.breakglass.AccessDeniedException;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import dev.breakglass.BreakGlassException;
import dev.breakglass.CustodianKey;
import dev.breakglass.Decision;
import dev.breakglass.ReasonCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Re-verifies every signed approval and denial of an audit log offline, from the log alone: the
 * custodians' public keys come from the log's own {@code CUSTODIAN_KEY_REGISTERED} records, each
 * request's digest from its {@code ACCESS_REQUESTED} record. For each signed decision it checks
 * that the key was registered to that custodian (and not removed) before the decision, that the
 * signature verifies over the statement of that grant, digest, custodian, decision and time, and
 * that WebAuthn counters only grow. Run it on a log whose integrity is already verified
 * ({@code AuditLogVerifier}); {@code breakglass verify} does both.
 *
 * <pre>{@code
 * ApprovalLogVerifier.Result r = ApprovalLogVerifier.verify(AuditLogReader.readEvents(dir),
 *     SignatureVerifiers.offline());
 * for (ApprovalLogVerifier.Problem p : r.problems()) {
 *   System.out.println("record " + p.record() + ": " + p.message());
 * }
 * }</pre>
 */
public final class ApprovalLogVerifier {
  private ApprovalLogVerifier() {}

  /**
   * A decision that did not re-verify.
   *
   * @param record the record's index in the log (0-based)
   * @param grantId the grant the decision is about
   * @param custodian who the record says decided
   * @param code why, as the engine would have refused it
   * @param message what did not match
   */
  public record Problem(long record, @Nullable String grantId, String custodian, ReasonCode code, String message) {}

  /**
   * The outcome.
   *
   * @param signed signed decisions that re-verified
   * @param unsigned approvals and denials that carry no signature (accepted under an optional policy,
   *     or before keys were registered)
   * @param keysRegistered key registrations found in the log
   * @param problems signed decisions that did not re-verify, in log order
   */
  public record Result(int signed, int unsigned, int keysRegistered, List<Problem> problems) {
    public Result {
      problems = List.copyOf(problems);
    }

    /** Whether every signed decision re-verified. */
    public boolean valid() {
      return problems.isEmpty();
    }
  }

  /** Re-verifies the decisions of {@code events}, given in log order. */
  public static Result verify(List<AuditEvent> events, SignatureVerifiers verifiers) {
    Objects.requireNonNull(verifiers, "verifiers");
    Map<String, CustodianKey> keys = new HashMap<>();
    Set<String> removed = new HashSet<>();
    Map<String, Long> counters = new HashMap<>();
    Map<String, String> digests = new HashMap<>();
    List<Problem> problems = new ArrayList<>();
    int signed = 0;
    int unsigned = 0;
    int registered = 0;
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      Map<String, String> d = e.details();
      switch (e.type()) {
        case CUSTODIAN_KEY_REGISTERED:
          try {
            CustodianKey k = SignatureDetails.key(d, e.time());
            keys.put(k.keyId(), k);
            removed.remove(k.keyId());
            counters.put(k.keyId(), k.signCount());
            registered++;
          } catch (BreakGlassException ex) {
            problems.add(new Problem(i, null, e.actor(), ReasonCode.KEY_NOT_REGISTERED,
                "key registration is malformed: " + ex.getMessage()));
          }
          break;
        case CUSTODIAN_KEY_REMOVED:
          if (d.get(SignatureDetails.KEY_ID) != null) {
            removed.add(d.get(SignatureDetails.KEY_ID));
          }
          break;
        case ACCESS_REQUESTED:
          if (e.grantId() != null && d.get("requestDigest") != null) {
            digests.put(e.grantId(), d.get("requestDigest"));
          }
          break;
        case APPROVAL_ACCEPTED:
        case REQUEST_DENIED:
          Decision fallback = e.type() == AuditEventType.APPROVAL_ACCEPTED ? Decision.APPROVE : Decision.DENY;
          Optional<ApprovalSignature> sig;
          try {
            sig = SignatureDetails.signature(d);
          } catch (BreakGlassException ex) {
            problems.add(new Problem(i, e.grantId(), e.actor(), ReasonCode.SIGNATURE_INVALID,
                "the stored signature is malformed: " + ex.getMessage()));
            break;
          }
          if (sig.isEmpty()) {
            if (e.type() == AuditEventType.APPROVAL_ACCEPTED || d.containsKey(SignatureDetails.DECISION)) {
              unsigned++;
            }
            break;
          }
          Problem p = check(i, e, sig.get(), SignatureDetails.decision(d, fallback), keys, removed, counters, digests,
              verifiers);
          if (p == null) {
            signed++;
          } else {
            problems.add(p);
          }
          break;
        default:
          break;
      }
    }
    return new Result(signed, unsigned, registered, problems);
  }

  private static @Nullable Problem check(long index, AuditEvent e, ApprovalSignature sig, Decision decision,
      Map<String, CustodianKey> keys, Set<String> removed, Map<String, Long> counters, Map<String, String> digests,
      SignatureVerifiers verifiers) {
    String grant = e.grantId();
    String digest = grant == null ? null : digests.get(grant);
    if (grant == null || digest == null) {
      return new Problem(index, grant, e.actor(), ReasonCode.GRANT_NOT_FOUND,
          "no ACCESS_REQUESTED record with a request digest precedes this decision");
    }
    String recordedDigest = e.details().get("requestDigest");
    if (recordedDigest != null && !recordedDigest.equals(digest)) {
      return new Problem(index, grant, e.actor(), ReasonCode.APPROVAL_MISMATCH,
          "the record names request digest " + recordedDigest + " but the request's is " + digest);
    }
    CustodianKey key = keys.get(sig.keyId());
    if (key == null || removed.contains(sig.keyId()) || !key.custodian().equals(e.actor())) {
      return new Problem(index, grant, e.actor(), ReasonCode.KEY_NOT_REGISTERED, "key " + sig.keyId()
          + (key == null ? " was never registered" : removed.contains(sig.keyId()) ? " had been removed"
              : " is registered to " + key.custodian() + ", not " + e.actor()) + " before this decision");
    }
    try {
      long count = verifiers.verify(sig, key, sig.statement(grant, digest, e.actor(), decision));
      long last = counters.getOrDefault(key.keyId(), 0L);
      if (count != 0 || last != 0) {
        if (count <= last) {
          return new Problem(index, grant, e.actor(), ReasonCode.SIGNATURE_COUNTER_REGRESSED,
              "WebAuthn counter " + count + " of credential " + key.keyId() + " did not grow past " + last);
        }
        counters.put(key.keyId(), count);
      }
      return null;
    } catch (AccessDeniedException ex) {
      return new Problem(index, grant, e.actor(), ex.code(), ex.getMessage());
    }
  }
}

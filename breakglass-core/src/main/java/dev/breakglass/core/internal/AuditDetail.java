package dev.breakglass.core.internal;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Every audit detail key the engine writes, each declared {@link #clear()} or sensitive. This is
 * the allow-list: {@link AuditDetails} writes the value of a clear key as it is and replaces every
 * other value (a sensitive key, or a key declared nowhere) by its keyed fingerprint. A new detail
 * is therefore safe by default; making it readable in the log is a decision taken here, once.
 */
enum AuditDetail {
  // Refusals and their reasons: reason codes and messages the engine wrote itself.
  REASON("reason", true),
  DETAIL("detail", true),
  RETRY_AFTER_SECONDS("retryAfterSeconds", true),
  OPERATION("operation", true),
  // A request and its approvals.
  TICKET("ticket", true),
  DURATION("duration", true),
  APPROVALS_REQUIRED("approvalsRequired", true),
  EMERGENCY("emergency", true),
  REQUEST_DIGEST("requestDigest", true),
  APPROVALS("approvals", true),
  COMMENT("comment", true),
  SHARE("share", true),
  REQUESTER("requester", true),
  EXPIRES_AT("expiresAt", true),
  APPROVED_BY("approvedBy", true),
  SOURCE("source", true),
  // Signed decisions and custodian keys: signatures, public keys and WebAuthn data are public by
  // nature and must stay readable, so that anyone can re-verify every approval from the log.
  DECISION("decision", true),
  SIGNATURE_KIND("signature.kind", true),
  SIGNATURE_KEY("signature.key", true),
  SIGNATURE_SIGNED_AT("signature.signedAt", true),
  SIGNATURE_VALUE("signature.value", true),
  SIGNATURE_AUTHENTICATOR_DATA("signature.authenticatorData", true),
  SIGNATURE_CLIENT_DATA_JSON("signature.clientDataJSON", true),
  SIGNATURE_SIGN_COUNT("signature.signCount", true),
  CUSTODIAN("custodian", true),
  KEY_ID("keyId", true),
  KEY_KIND("keyKind", true),
  PUBLIC_KEY("publicKey", true),
  RP_ID("rpId", true),
  KEY_LABEL("keyLabel", true),
  SIGN_COUNT("signCount", true),
  // Rotation.
  ROTATOR("rotator", true),
  ERROR("error", true),
  ATTEMPT("attempt", true),
  NEXT_ATTEMPT("nextAttempt", true),
  // Drills: the marker, the drill's id, the failed step, the proofs' outcomes, the interval.
  DRILL("drill", true),
  DRILL_ID("drillId", true),
  STEP("step", true),
  PROOF("proof", true),
  PROOF_AFTER_ROTATION("proofAfterRotation", true),
  ROTATED("rotated", true),
  DRILL_EVERY("drillEvery", true),
  LAST_DRILL("lastDrill", true),
  // Emergency state.
  INCIDENT("incident", true),
  CAUSE("cause", true),
  CONSECUTIVE_SUCCESSES("consecutiveSuccesses", true),
  CONSECUTIVE_FAILURES("consecutiveFailures", true),
  // Engine runs and the start-up cross-check.
  VERSION("version", true),
  NODE("node", true),
  PREVIOUS_RUN("previousRun", true),
  LAST_SEEN_AT("lastSeenAt", true),
  CROSS_CHECK("crossCheck", true),
  FOUND("found", true),
  CORRECTED("corrected", true),
  // Summaries of refused logins (LoginRefusals): counts, the kind summarized, the window.
  REFUSED("refused", true),
  COALESCED("coalesced", true),
  EVENT("event", true),
  WINDOW("window", true),
  FROM("from", true),
  TO("to", true),
  // Declared sensitive: written only as keyed fingerprints.
  CLIENT("client", false),
  CREDENTIAL("credential", false),
  /** {@code identification.<kind>}: the evidence a requester presented. */
  IDENTIFICATION("identification.", false);

  private static final Map<String, AuditDetail> BY_KEY =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(AuditDetail::key, Function.identity()));

  private final String key;
  private final boolean clear;

  AuditDetail(String key, boolean clear) {
    this.key = key;
    this.clear = clear;
  }

  /** The key as written in the audit record (for {@link #IDENTIFICATION}, the prefix). */
  String key() {
    return key;
  }

  /** Whether the value is written as it is; otherwise it is written as its keyed fingerprint. */
  boolean clear() {
    return clear;
  }

  /** The declaration of {@code key}, or {@code null} if nobody declared it (then it is sensitive). */
  static @Nullable AuditDetail of(String key) {
    AuditDetail exact = BY_KEY.get(key);
    if (exact != null) {
      return exact;
    }
    return key.startsWith(IDENTIFICATION.key) ? IDENTIFICATION : null;
  }

  /** Whether a value under {@code key} may be written as it is. Undeclared keys are sensitive. */
  static boolean isClear(String key) {
    AuditDetail declared = of(key);
    return declared != null && declared.clear;
  }
}

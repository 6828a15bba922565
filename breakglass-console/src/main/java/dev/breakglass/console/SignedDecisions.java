package dev.breakglass.console;

import dev.breakglass.Approval;
import dev.breakglass.ApprovalSignature;
import dev.breakglass.BreakGlass;
import dev.breakglass.Denial;
import dev.breakglass.EmergencyAccessGrant;
import dev.breakglass.InvalidRequestException;
import java.util.HashMap;
import java.util.Map;

/**
 * Decisions signed away from the browser ({@code breakglass approve --post URL}), posted as text to
 * {@code <console>/api/decisions}:
 *
 * <pre>
 * breakglass-signed-decision-v1
 * grant: bg-7f3a...
 * request-digest: 4c93...
 * custodian: carol
 * decision: approve            (or deny, with a "reason:" line)
 * breakglass-signature-v1
 * kind: ecdsa-p256
 * ...
 * </pre>
 *
 * <p>The signature, verified by the engine against the custodian's registered key, is the only
 * authentication: it binds grant, request digest, custodian, decision and time, so no session or
 * CSRF token is involved and a post cannot be replayed onto another request.
 */
final class SignedDecisions {
  static final String HEADER = "breakglass-signed-decision-v1";

  private SignedDecisions() {}

  /** Applies the posted decision; returns the grant after it. */
  static EmergencyAccessGrant apply(BreakGlass engine, String text) {
    Map<String, String> f = new HashMap<>();
    boolean inside = false;
    for (String line : text.split("\r?\n")) {
      String l = line.strip();
      if (l.equals(ApprovalSignature.TEXT_HEADER)) {
        break;
      }
      if (!inside) {
        inside = l.equals(HEADER);
        continue;
      }
      int colon = l.indexOf(':');
      if (colon > 0) {
        f.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
      }
    }
    if (!inside) {
      throw new InvalidRequestException("decision", "no '" + HEADER + "' line: post what 'breakglass approve' prints");
    }
    String grant = required(f, "grant");
    String digest = required(f, "request-digest");
    String custodian = required(f, "custodian");
    ApprovalSignature signature = ApprovalSignature.parse(text);
    String decision = required(f, "decision");
    switch (decision) {
      case "approve":
        return engine.approve(Approval.of(grant, custodian, digest, null).withSignature(signature));
      case "deny":
        return engine.deny(Denial.of(grant, custodian, digest, required(f, "reason")).withSignature(signature));
      default:
        throw new InvalidRequestException("decision", "must be 'approve' or 'deny', was '" + decision + "'");
    }
  }

  private static String required(Map<String, String> f, String name) {
    String v = f.get(name);
    if (v == null || v.isEmpty()) {
      throw new InvalidRequestException(name, "the line '" + name + ": ...' is missing");
    }
    return v;
  }
}

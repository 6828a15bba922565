package dev.breakglass.cli;

import dev.breakglass.core.approval.ApprovalLogVerifier;
import java.io.PrintStream;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** How {@code verify} reports the offline re-verification of signed approvals. */
final class ApprovalReport {
  private ApprovalReport() {}

  /** Prints the outcome; returns whether every signed decision re-verified. */
  static boolean describe(ApprovalLogVerifier.Result r, PrintStream out) {
    out.printf(Locale.ROOT, "Approvals: %d signed approval(s) and denial(s) re-verified against %d registered"
        + " custodian key(s); %d unsigned.%n", r.signed(), r.keysRegistered(), r.unsigned());
    for (ApprovalLogVerifier.Problem p : r.problems()) {
      out.printf(Locale.ROOT, "FAILED: record %d (grant %s, by %s) does not verify: %s [%s]%n", p.record(),
          p.grantId() == null ? "?" : p.grantId(), p.custodian(), p.message(), p.code());
    }
    return r.valid();
  }

  static ObjectNode json(ApprovalLogVerifier.Result r) {
    ObjectNode n = JsonMapper.builder().build().createObjectNode();
    n.put("valid", r.valid());
    n.put("signed", r.signed());
    n.put("unsigned", r.unsigned());
    n.put("keysRegistered", r.keysRegistered());
    ArrayNode problems = n.putArray("problems");
    for (ApprovalLogVerifier.Problem p : r.problems()) {
      ObjectNode o = problems.addObject();
      o.put("record", p.record());
      o.put("grantId", p.grantId());
      o.put("custodian", p.custodian());
      o.put("code", p.code().name());
      o.put("message", p.message());
    }
    return n;
  }
}

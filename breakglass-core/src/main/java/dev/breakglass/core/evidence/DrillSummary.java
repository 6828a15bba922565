package dev.breakglass.core.evidence;

import dev.breakglass.AuditEvent;
import dev.breakglass.AuditEventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a drill's records say happened, worked out the same way by the writer (who puts it in the
 * pack) and the checker (who works it out again from the proven records and compares).
 *
 * @param account the drilled account
 * @param outcome {@code "passed"} or {@code "failed"}
 * @param failedStep the step a failed drill stopped at, as recorded; {@code null} if it passed
 * @param startedAt the time of the drill's first record
 * @param finishedAt the time of its {@code DRILL_COMPLETED} or {@code DRILL_FAILED} record
 * @param requester who filed the drill
 * @param approvedBy the custodians whose approvals were accepted, in order
 * @param released whether the credential was released for the drill
 * @param proof the proof of the released credential at its target, as recorded
 * @param rotated whether the credential was rotated
 * @param proofAfterRotation the proof of the rotated credential, as recorded
 */
record DrillSummary(String account, String outcome, @Nullable String failedStep, Instant startedAt,
    Instant finishedAt, String requester, List<String> approvedBy, boolean released, @Nullable String proof,
    boolean rotated, @Nullable String proofAfterRotation) {

  DrillSummary {
    approvedBy = List.copyOf(approvedBy);
  }

  /**
   * The summary of a drill's records, in log order.
   *
   * @throws IllegalArgumentException naming what is missing, if the records do not start with the
   *     drill's start and end with its outcome
   */
  static DrillSummary of(List<AuditEvent> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("the drill has no records");
    }
    AuditEvent first = events.get(0);
    AuditEvent last = events.get(events.size() - 1);
    if (first.type() != AuditEventType.DRILL_STARTED) {
      throw new IllegalArgumentException("the drill's first record is " + first.type() + ", not DRILL_STARTED");
    }
    if (last.type() != AuditEventType.DRILL_COMPLETED && last.type() != AuditEventType.DRILL_FAILED) {
      throw new IllegalArgumentException("the drill's last record is " + last.type()
          + ", not DRILL_COMPLETED or DRILL_FAILED: it has not finished");
    }
    List<String> approvedBy = new ArrayList<>();
    boolean released = false;
    boolean rotated = false;
    for (AuditEvent e : events) {
      switch (e.type()) {
        case APPROVAL_ACCEPTED -> approvedBy.add(e.actor());
        case CREDENTIAL_RELEASED -> released = true;
        case CREDENTIAL_ROTATED -> rotated = true;
        default -> { }
      }
    }
    boolean passed = last.type() == AuditEventType.DRILL_COMPLETED;
    return new DrillSummary(Objects.requireNonNullElse(first.account(), ""), passed ? "passed" : "failed",
        passed ? null : last.details().get("step"), first.time(), last.time(), first.actor(), approvedBy, released,
        last.details().get("proof"), rotated, last.details().get("proofAfterRotation"));
  }
}

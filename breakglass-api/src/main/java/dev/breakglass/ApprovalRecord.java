package dev.breakglass;

import java.time.Instant;
import java.util.Objects;

/**
 * An approval the engine accepted.
 *
 * @param custodian who approved
 * @param approvedAt when the engine recorded it
 */
public record ApprovalRecord(String custodian, Instant approvedAt) {
  public ApprovalRecord {
    Objects.requireNonNull(custodian, "custodian");
    Objects.requireNonNull(approvedAt, "approvedAt");
  }
}

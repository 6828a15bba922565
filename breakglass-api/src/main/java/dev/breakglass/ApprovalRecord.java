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
  /**
   * Checks the required components.
   *
   * @param custodian who approved
   * @param approvedAt when the engine recorded it
   * @throws NullPointerException if either component is null
   */
  public ApprovalRecord {
    Objects.requireNonNull(custodian, "custodian");
    Objects.requireNonNull(approvedAt, "approvedAt");
  }
}

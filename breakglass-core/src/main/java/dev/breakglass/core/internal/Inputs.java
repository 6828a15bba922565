package dev.breakglass.core.internal;

import dev.breakglass.FreeText;
import dev.breakglass.Identity;
import dev.breakglass.InvalidRequestException;
import org.jspecify.annotations.Nullable;

/**
 * Checks the text arguments of the engine's operations (deny, revoke, close, incidents, drills)
 * before anything is audited or changed: names by the {@link Identity} rule, reasons and ids by the
 * {@link FreeText} rule and its limits. Each violation is an {@link InvalidRequestException} naming
 * the parameter. Requests and approvals check themselves when they are built.
 */
final class Inputs {
  private Inputs() {}

  static String grantId(@Nullable String grantId) {
    return FreeText.require("grantId", grantId, FreeText.MAX_ID);
  }

  /** A person or account named by {@code field} ({@code actor}, {@code custodian}, {@code account}). */
  static String name(String field, @Nullable String name) {
    return Identity.require(field, name);
  }

  /** A reason: optional ({@code null} becomes empty), at most {@value FreeText#MAX_REASON} characters. */
  static String reason(@Nullable String reason) {
    String checked = FreeText.check("reason", reason, FreeText.MAX_REASON);
    return checked == null ? "" : checked;
  }
}
